package dev.loupe.clip.tokenizer;

import dev.loupe.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-level BPE tokenizer (SimpleTokenizer). Vocabulary, in id order: the 256 byte-unicode
 * characters (table order, see {@link ByteUnicode}), the same 256 with {@code </w>}, one symbol per
 * merge, then {@code <|startoftext|>} and {@code <|endoftext|>} (ids 49406 and 49407 with the released
 * merges). Encoding cleans the text ({@link TextCleaner}), splits it into words ({@link PreTokenizer}),
 * maps each word's UTF-8 bytes through the byte table, marks its last symbol with {@code </w>} and
 * applies the merges lowest rank first. Word encodings are cached; the tokenizer is thread-safe.
 */
public final class Tokenizer {
    public static final String START_OF_TEXT = "<|startoftext|>";
    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String END_OF_WORD = "</w>";
    /** CLIP's context length. */
    public static final int DEFAULT_CONTEXT_LENGTH = 77;

    private static final int CACHE_LIMIT = 1 << 20;

    private final List<String> vocab = new ArrayList<>();
    private final Map<String, Integer> encoder = new HashMap<>();
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();
    private final int sot, eot;

    /** A tokenizer over the given merges (rank = list position). */
    public Tokenizer(List<BpeMerge> merges) {
        for (char c : ByteUnicode.orderedChars()) vocab.add(String.valueOf(c));
        for (char c : ByteUnicode.orderedChars()) vocab.add(c + END_OF_WORD);
        for (int i = 0; i < merges.size(); i++) {
            BpeMerge m = merges.get(i);
            ranks.putIfAbsent(m.line(), i);
            vocab.add(m.merged());
        }
        vocab.add(START_OF_TEXT);
        vocab.add(END_OF_TEXT);
        // a repeated symbol (possible in hand-edited files) resolves to its last id, as Python's dict does
        for (int i = 0; i < vocab.size(); i++) encoder.put(vocab.get(i), i);
        sot = encoder.get(START_OF_TEXT);
        eot = encoder.get(END_OF_TEXT);
        cache.put(START_OF_TEXT, new int[] {sot});
        cache.put(END_OF_TEXT, new int[] {eot});
    }

    /** CLIP's tokenizer from a merges file such as bpe_simple_vocab_16e6.txt.gz (its first 48,894 merges). */
    public static Tokenizer load(Path mergesFile) throws IOException {
        return new Tokenizer(MergesFile.read(mergesFile, MergesFile.CLIP_MERGES));
    }

    public int vocabSize() {
        return vocab.size();
    }

    public int startOfText() {
        return sot;
    }

    public int endOfText() {
        return eot;
    }

    /** The vocabulary symbol of an id. */
    public String symbol(int id) {
        if (id < 0 || id >= vocab.size())
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + vocab.size() + ")");
        return vocab.get(id);
    }

    /** The ids of cleaned, split, BPE-merged text, without start or end tokens. */
    public int[] encode(String text) {
        List<int[]> parts = new ArrayList<>();
        int n = 0;
        for (String word : PreTokenizer.split(TextCleaner.clean(text))) {
            int[] ids = bpe(ByteUnicode.encode(word.getBytes(StandardCharsets.UTF_8)), word);
            parts.add(ids);
            n += ids.length;
        }
        int[] out = new int[n];
        int pos = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    /** {@link #tokenize(List, int)} with CLIP's context length 77. */
    public Tensor tokenize(List<String> texts) {
        return tokenize(texts, DEFAULT_CONTEXT_LENGTH);
    }

    /**
     * I64 (N, contextLength): per text SOT, its ids, EOT, then zeros. Longer texts are cut to
     * contextLength tokens with the last one replaced by EOT, so every row holds exactly one EOT.
     */
    public Tensor tokenize(List<String> texts, int contextLength) {
        if (contextLength < 2)
            throw new IllegalArgumentException("context length must be >= 2 (SOT and EOT), got " + contextLength);
        long[] out = new long[texts.size() * contextLength];
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = encode(texts.get(i));
            int len = Math.min(ids.length + 2, contextLength);
            int base = i * contextLength;
            out[base] = sot;
            for (int j = 1; j < len - 1; j++) out[base + j] = ids[j - 1];
            out[base + len - 1] = eot;
        }
        return Tensor.ofLongs(out, texts.size(), contextLength);
    }

    /** The text of ids: symbols joined, byte table reversed, UTF-8 decoded (bad bytes as U+FFFD), {@code </w>} as a space. */
    public String decode(int[] ids) {
        StringBuilder symbols = new StringBuilder();
        for (int id : ids) symbols.append(symbol(id));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(symbols.length());
        for (int i = 0; i < symbols.length(); i++) {
            int b = ByteUnicode.decode(symbols.charAt(i));
            if (b < 0)
                throw new IllegalStateException(
                        "symbol character U+" + Integer.toHexString(symbols.charAt(i)) + " is not in the byte table");
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8).replace(END_OF_WORD, " ");
    }

    /** The ids of one word given as byte-unicode characters; {@code word} is the original text, for messages. */
    private int[] bpe(String token, String word) {
        int[] cached = cache.get(token);
        if (cached != null) return cached;
        List<String> symbols = new ArrayList<>(token.length());
        for (int i = 0; i < token.length() - 1; i++) symbols.add(String.valueOf(token.charAt(i)));
        symbols.add(token.charAt(token.length() - 1) + END_OF_WORD);
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestFirst = null, bestSecond = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = ranks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    bestFirst = symbols.get(i);
                    bestSecond = symbols.get(i + 1);
                }
            }
            if (bestFirst == null) break;
            symbols = mergeAll(symbols, bestFirst, bestSecond);
        }
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = encoder.get(symbols.get(i));
            if (id == null)
                throw new IllegalStateException(
                        "BPE symbol '" + symbols.get(i) + "' of word '" + word + "' is not in the vocabulary");
            ids[i] = id;
        }
        if (cache.size() < CACHE_LIMIT) cache.put(token, ids);
        return ids;
    }

    /** Every non-overlapping occurrence of (first, second), left to right, joined. */
    static List<String> mergeAll(List<String> symbols, String first, String second) {
        List<String> out = new ArrayList<>(symbols.size());
        int i = 0;
        while (i < symbols.size()) {
            if (i + 1 < symbols.size()
                    && symbols.get(i).equals(first)
                    && symbols.get(i + 1).equals(second)) {
                out.add(first + second);
                i += 2;
            } else {
                out.add(symbols.get(i));
                i++;
            }
        }
        return out;
    }
}
