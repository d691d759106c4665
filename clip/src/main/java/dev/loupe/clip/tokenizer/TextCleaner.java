package dev.loupe.clip.tokenizer;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * CLIP's text normalisation before tokenisation: HTML-unescape twice, strip, collapse every run of
 * whitespace to one space, strip, lower-case.
 *
 * <p>CLIP first runs ftfy.fix_text (mojibake repair); ftfy has no JVM port, so that step is not done:
 * text with broken encodings tokenises as it is. Whitespace is Unicode white space
 * ({@code \p{IsWhite_Space}}), which Python's {@code \s} matches too except for the four ASCII
 * separator controls U+001C..U+001F.
 */
public final class TextCleaner {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);

    private TextCleaner() {}

    /** basic_clean + whitespace_clean + lower(), as CLIP's SimpleTokenizer.encode does. */
    public static String clean(String text) {
        String s = HtmlEntities.unescape(HtmlEntities.unescape(text));
        s = WHITESPACE.matcher(s).replaceAll(" ").strip();
        return s.toLowerCase(Locale.ROOT);
    }
}
