package dev.loupe.clip.tokenizer;

import dev.loupe.data.BadSampleLog;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The tokenizer of a CLIP or SLIP training run: a released merges file, or BPE merges trained on the training
 * captions (deterministic). Either is saved beside the run (runs/NAME/merges.txt.gz), and a resumed run reads the
 * saved file back instead of training again.
 */
public final class RunTokenizer {
    private RunTokenizer() {}

    /**
     * The run's tokenizer.
     *
     * @param merges      a merges file to use (CLIP's bpe_simple_vocab_16e6.txt.gz), or null to train BPE
     * @param vocabSize   the trained vocabulary's size (without {@code merges})
     * @param train       the training split whose captions train the BPE; no image is decoded
     * @param saved       where the run keeps its merges (read when resuming, written when {@code save})
     * @param resume      whether the run resumes, so that a saved file is read back
     * @param save        whether this process writes {@code saved} (rank 0 of a new or resumed run)
     * @param onBadSample a bad caption is skipped (and counted) or fails, as the policy says
     */
    public static Tokenizer open(
            Path merges,
            int vocabSize,
            Dataset train,
            Path saved,
            boolean resume,
            boolean save,
            BadSamplePolicy onBadSample) {
        try {
            if (merges != null) {
                Tokenizer t = Tokenizer.load(merges);
                if (save) {
                    Files.createDirectories(saved.toAbsolutePath().getParent());
                    Files.copy(merges, saved, StandardCopyOption.REPLACE_EXISTING);
                }
                return t;
            }
            if (resume && Files.isRegularFile(saved)) return new Tokenizer(MergesFile.read(saved, Integer.MAX_VALUE));
            CaptionVocabulary vocabulary =
                    CaptionVocabulary.train(train, vocabSize, onBadSample, BadSampleLog.standardError());
            if (vocabulary.skipped() > 0)
                System.err.println("vocabulary: " + vocabulary.captions() + " captions, " + vocabulary.skipped()
                        + " bad samples skipped");
            if (save) MergesFile.write(saved, vocabulary.merges());
            return new Tokenizer(vocabulary.merges());
        } catch (IOException e) {
            throw new UncheckedIOException("tokenizer (merges " + saved + "): " + e.getMessage(), e);
        }
    }
}
