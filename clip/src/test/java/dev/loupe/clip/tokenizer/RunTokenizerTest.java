package dev.loupe.clip.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Dataset;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's tokenizer: trained on the captions and saved, read back on resume, or a given merges file copied. */
class RunTokenizerTest {
    private static final int VOCAB = BpeTrainer.BASE_VOCAB + 30;

    @TempDir
    Path dir;

    @Test
    void trainsOnTheCaptionsSavesThemAndAResumeReadsTheSavedFile() throws Exception {
        Dataset train = CaptionVocabularyTest.captions(Set.of());
        Path saved = dir.resolve("run/merges.txt.gz");
        Files.createDirectories(saved.getParent());
        Tokenizer fresh = RunTokenizer.open(null, VOCAB, train, saved, false, true, BadSamplePolicy.FAIL);
        List<BpeMerge> expected =
                new BpeTrainer().addAll(BpeTrainerTest.CAPTIONS).train(VOCAB);
        assertEquals(expected, MergesFile.read(saved, Integer.MAX_VALUE));
        assertEquals(VOCAB, fresh.vocabSize());

        // a resumed run reads the saved merges, even when asked for another vocabulary size
        Tokenizer resumed = RunTokenizer.open(null, VOCAB + 10, train, saved, true, false, BadSamplePolicy.FAIL);
        String text = BpeTrainerTest.CAPTIONS.get(0);
        assertEquals(java.util.Arrays.toString(fresh.encode(text)), java.util.Arrays.toString(resumed.encode(text)));
        assertEquals(VOCAB, resumed.vocabSize());
    }

    @Test
    void aGivenMergesFileIsUsedAndCopiedBesideTheRun() throws Exception {
        Path merges = dir.resolve("released.txt.gz");
        List<BpeMerge> expected =
                new BpeTrainer().addAll(BpeTrainerTest.CAPTIONS).train(VOCAB);
        MergesFile.write(merges, expected);
        Path saved = dir.resolve("run2/merges.txt.gz");
        Dataset noCaptions = CaptionVocabularyTest.captions(Set.of(0, 1, 2)); // would fail if read
        Tokenizer t = RunTokenizer.open(merges, 0, noCaptions, saved, false, true, BadSamplePolicy.FAIL);
        assertEquals(expected, MergesFile.read(saved, Integer.MAX_VALUE));
        assertEquals(VOCAB, t.vocabSize());

        Path notSaved = dir.resolve("run3/merges.txt.gz");
        RunTokenizer.open(merges, 0, noCaptions, notSaved, false, false, BadSamplePolicy.FAIL);
        assertFalse(Files.exists(notSaved), "a process that does not write (rank > 0) leaves no file");
    }

    @Test
    void aMissingMergesFileNamesIt() {
        Path missing = dir.resolve("nope.txt.gz");
        UncheckedIOException e = assertThrows(
                UncheckedIOException.class,
                () -> RunTokenizer.open(
                        missing,
                        0,
                        CaptionVocabularyTest.captions(Set.of()),
                        dir.resolve("m.txt.gz"),
                        false,
                        true,
                        BadSamplePolicy.FAIL));
        assertEquals(true, e.getMessage().contains("nope.txt.gz"), e.getMessage());
    }
}
