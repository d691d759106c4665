package dev.loupe.clip.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Learns BPE merges from captions in the form {@link Tokenizer} reads. Each caption is cleaned and
 * split exactly as the tokenizer does ({@link TextCleaner}, {@link PreTokenizer}; the special tokens are
 * skipped), each word becomes its byte-unicode characters with {@code </w>} on the last, and the most
 * frequent adjacent pair over the corpus (word counts as weights) is merged, again and again. Ties go to
 * the lexicographically smallest pair (first symbol, then second, by {@link String#compareTo}), so the
 * result depends only on the corpus. Pair counts are updated incrementally: a merge touches only the
 * words that hold the pair.
 *
 * <p>Usage: {@code add(caption)} for every caption, then {@code train(vocabSize)}.
 */
public final class BpeTrainer {
    /** The vocabulary entries that are not merges: 256 bytes, 256 bytes + {@code </w>}, SOT, EOT. */
    public static final int BASE_VOCAB = 2 * 256 + 2;

    private final Map<String, Long> wordCounts = new LinkedHashMap<>();

    /** Counts the words of one caption. */
    public BpeTrainer add(String caption) {
        for (String w : PreTokenizer.split(TextCleaner.clean(caption))) {
            if (w.equals(Tokenizer.START_OF_TEXT) || w.equals(Tokenizer.END_OF_TEXT)) continue;
            wordCounts.merge(ByteUnicode.encode(w.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 1L, Long::sum);
        }
        return this;
    }

    /** Counts the words of every caption. */
    public BpeTrainer addAll(Iterable<String> captions) {
        for (String c : captions) add(c);
        return this;
    }

    /** The number of distinct words seen. */
    public int distinctWords() {
        return wordCounts.size();
    }

    private record Pair(String first, String second) {}

    private record Ranked(long count, String first, String second) {}

    private static final Comparator<Ranked> BEST_FIRST = Comparator.comparingLong(Ranked::count)
            .reversed()
            .thenComparing(Ranked::first)
            .thenComparing(Ranked::second);

    /**
     * Merges for a vocabulary of {@code vocabSize} entries ({@code vocabSize - 514} merges, fewer when
     * every word is already one symbol).
     */
    public List<BpeMerge> train(int vocabSize) {
        if (vocabSize <= BASE_VOCAB) {
            throw new IllegalArgumentException(
                    "vocabulary size must exceed the " + BASE_VOCAB + " byte and special entries, got " + vocabSize);
        }
        if (wordCounts.isEmpty()) throw new IllegalStateException("BPE training needs captions: none were added");
        int numMerges = vocabSize - BASE_VOCAB;
        List<List<String>> words = new ArrayList<>();
        long[] freq = new long[wordCounts.size()];
        Map<Pair, Long> pairCounts = new HashMap<>();
        Map<Pair, Set<Integer>> wordsWithPair = new HashMap<>();
        TreeSet<Ranked> queue = new TreeSet<>(BEST_FIRST);
        for (Map.Entry<String, Long> e : wordCounts.entrySet()) {
            String w = e.getKey();
            List<String> symbols = new ArrayList<>(w.length());
            for (int i = 0; i < w.length() - 1; i++) symbols.add(String.valueOf(w.charAt(i)));
            symbols.add(w.charAt(w.length() - 1) + Tokenizer.END_OF_WORD);
            freq[words.size()] = e.getValue();
            words.add(symbols);
        }
        for (int wi = 0; wi < words.size(); wi++)
            addPairs(words.get(wi), wi, freq[wi], +1, pairCounts, wordsWithPair, queue);

        List<BpeMerge> merges = new ArrayList<>(numMerges);
        while (merges.size() < numMerges && !queue.isEmpty()) {
            Ranked best = queue.first();
            Pair pair = new Pair(best.first(), best.second());
            merges.add(new BpeMerge(pair.first(), pair.second()));
            for (int wi : new ArrayList<>(wordsWithPair.getOrDefault(pair, Set.of()))) {
                List<String> symbols = words.get(wi);
                addPairs(symbols, wi, freq[wi], -1, pairCounts, wordsWithPair, queue);
                List<String> merged = Tokenizer.mergeAll(symbols, pair.first(), pair.second());
                words.set(wi, merged);
                addPairs(merged, wi, freq[wi], +1, pairCounts, wordsWithPair, queue);
            }
        }
        return merges;
    }

    /** Adds (sign +1) or removes (-1) the pair occurrences of one word, weighted by its count. */
    private static void addPairs(
            List<String> symbols,
            int wordIndex,
            long weight,
            int sign,
            Map<Pair, Long> pairCounts,
            Map<Pair, Set<Integer>> wordsWithPair,
            TreeSet<Ranked> queue) {
        for (int i = 0; i + 1 < symbols.size(); i++) {
            Pair p = new Pair(symbols.get(i), symbols.get(i + 1));
            long old = pairCounts.getOrDefault(p, 0L);
            long now = old + sign * weight;
            if (old > 0) queue.remove(new Ranked(old, p.first(), p.second()));
            if (now > 0) {
                pairCounts.put(p, now);
                queue.add(new Ranked(now, p.first(), p.second()));
            } else {
                pairCounts.remove(p);
            }
            if (sign > 0) {
                wordsWithPair.computeIfAbsent(p, k -> new HashSet<>()).add(wordIndex);
            } else if (now <= 0) {
                wordsWithPair.remove(p);
            }
        }
    }
}
