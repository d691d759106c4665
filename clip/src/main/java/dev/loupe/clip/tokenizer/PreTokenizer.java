package dev.loupe.clip.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's word split: the special tokens, the contractions 's 't 're 've 'm 'll 'd, runs of letters,
 * single digits, and runs of other non-space characters; whitespace separates and is dropped.
 */
public final class PreTokenizer {
    private static final Pattern SPLIT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private PreTokenizer() {}

    /** The words of already-cleaned text, in order. */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = SPLIT.matcher(text);
        while (m.find()) words.add(m.group());
        return words;
    }
}
