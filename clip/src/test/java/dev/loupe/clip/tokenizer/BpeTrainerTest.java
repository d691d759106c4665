package dev.loupe.clip.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BPE training, the merges file round trip, and the trained tokenizer on a small caption corpus. */
class BpeTrainerTest {
    static final List<String> CAPTIONS = List.of(
            "A photo of a dog playing in the snow.",
            "A cat sleeping on a red sofa.",
            "Two dogs running on the beach!",
            "A close-up photo of a small bird on a branch.",
            "The cat is sitting next to the dog.",
            "A plate of pasta with tomato sauce &amp; basil.",
            "People walking in the city at night, 2019.",
            "a photo of the large red car parked on the street",
            "It's a sunny day at the beach.",
            "A child's drawing of a house and a tree.",
            "Snow-covered mountains under a blue sky.",
            "A dog doesn't like the bath.",
            "Two birds sitting on a wire",
            "café tables on the sidewalk in Paris");

    @Test
    void mergesMostFrequentPairFirstWithLexicographicTies() {
        // words: ab x3 -> [a, b</w>], abc -> [a, b, c</w>], b -> [b</w>]
        // (a, b</w>) 3 wins; then (a, b) and (b, c</w>) tie at 1: "a" < "b"; then (ab, c</w>); then nothing is left
        List<BpeMerge> merges =
                new BpeTrainer().addAll(List.of("ab ab ab", "abc", "b")).train(BpeTrainer.BASE_VOCAB + 10);
        assertEquals(List.of(new BpeMerge("a", "b</w>"), new BpeMerge("a", "b"), new BpeMerge("ab", "c</w>")), merges);
        Tokenizer t = new Tokenizer(merges);
        assertArrayEquals(new int[] {514, 512, 256 + 'b' - '!'}, t.encode("abc ab b"));
    }

    @Test
    void stopsAtTheRequestedVocabularySize() {
        List<BpeMerge> merges = new BpeTrainer().addAll(CAPTIONS).train(BpeTrainer.BASE_VOCAB + 40);
        assertEquals(40, merges.size());
        assertEquals(BpeTrainer.BASE_VOCAB + 40, new Tokenizer(merges).vocabSize());
        assertEquals(merges, new BpeTrainer().addAll(CAPTIONS).train(BpeTrainer.BASE_VOCAB + 40), "deterministic");
        assertThrows(
                IllegalArgumentException.class,
                () -> new BpeTrainer().addAll(CAPTIONS).train(BpeTrainer.BASE_VOCAB));
        assertThrows(IllegalStateException.class, () -> new BpeTrainer().train(600));
    }

    @Test
    void trainedTokenizerCompressesAndRoundTrips(@TempDir Path dir) throws IOException {
        List<BpeMerge> merges = new BpeTrainer().addAll(CAPTIONS).train(700);
        Path file = dir.resolve("bpe.txt.gz");
        MergesFile.write(file, merges);
        Tokenizer t = Tokenizer.load(file);
        assertEquals(merges, MergesFile.read(file, Integer.MAX_VALUE));
        assertEquals(new Tokenizer(merges).vocabSize(), t.vocabSize());
        int tokens = 0, bytes = 0;
        for (String c : CAPTIONS) {
            int[] ids = t.encode(c);
            tokens += ids.length;
            bytes += TextCleaner.clean(c).getBytes(StandardCharsets.UTF_8).length;
            String expected = String.join(" ", PreTokenizer.split(TextCleaner.clean(c))) + " ";
            assertEquals(expected, t.decode(ids), "round trip of '" + c + "'");
        }
        assertTrue(
                tokens * 3 < bytes,
                "a vocabulary trained on the corpus encodes it in few tokens: " + tokens + " for " + bytes + " bytes");
        // a word never seen still encodes, from bytes
        assertEquals("zyzzyva ", t.decode(t.encode("Zyzzyva")));
    }

    @Test
    void readsOnlyTheRequestedMergesAndReportsBadLines(@TempDir Path dir) throws IOException {
        List<BpeMerge> merges =
                new ArrayList<>(new BpeTrainer().addAll(CAPTIONS).train(560));
        Path file = dir.resolve("m.txt.gz");
        MergesFile.write(file, merges);
        assertEquals(merges.subList(0, 5), MergesFile.read(file, 5));
        Path bad = dir.resolve("bad.txt.gz");
        try (Writer w =
                new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(bad)), StandardCharsets.UTF_8)) {
            w.write("#version: 0.2\na b\nc d e\n");
        }
        IOException e = assertThrows(IOException.class, () -> MergesFile.read(bad, 100));
        assertTrue(e.getMessage().contains(":3:"), e.getMessage());
        assertThrows(IOException.class, () -> Tokenizer.load(dir.resolve("missing.txt.gz")));
    }
}
