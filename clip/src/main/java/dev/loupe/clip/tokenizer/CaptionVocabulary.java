package dev.loupe.clip.tokenizer;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.BadSampleLog;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Dataset;
import java.util.List;
import java.util.Objects;

/**
 * BPE merges trained on the captions of a data set: the tokenizer pass of CLIP and SLIP training
 * when no merges file is given. Captions are read with {@link Dataset#caption}, which leaves the
 * images alone (a webdataset shard's pictures are not decoded just to read its .txt members). A
 * caption that cannot be read stops the pass (FAIL, naming the file) or, with SKIP, is left out,
 * counted and logged as one line, as the training loader does with the same policy. Samples without
 * a caption add nothing and are not counted as skipped. Deterministic: the same data give the same merges.
 *
 * @param merges   the merges, in rank order
 * @param captions captions that went into the vocabulary
 * @param skipped  samples left out as bad (always 0 under FAIL)
 */
public record CaptionVocabulary(List<BpeMerge> merges, long captions, long skipped) {
    public CaptionVocabulary {
        merges = List.copyOf(merges);
    }

    /**
     * Trains {@code vocabSize} tokens ({@link BpeTrainer#train}) on every caption of {@code data}.
     *
     * @throws BadSampleException under FAIL, for the first caption that cannot be read
     */
    public static CaptionVocabulary train(Dataset data, int vocabSize, BadSamplePolicy onBadSample, BadSampleLog log) {
        Objects.requireNonNull(onBadSample, "onBadSample");
        Objects.requireNonNull(log, "log");
        BpeTrainer bpe = new BpeTrainer();
        long captions = 0, skipped = 0;
        String where = "vocabulary of " + data.name();
        for (int i = 0; i < data.size(); i++) {
            String caption;
            try {
                caption = data.caption(i);
            } catch (BadSampleException e) {
                if (onBadSample == BadSamplePolicy.FAIL) throw e;
                skipped++;
                log.skipped(where, e);
                continue;
            }
            if (caption != null) {
                bpe.add(caption);
                captions++;
            }
        }
        return new CaptionVocabulary(bpe.train(vocabSize), captions, skipped);
    }
}
