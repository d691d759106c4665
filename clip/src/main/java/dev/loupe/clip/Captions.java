package dev.loupe.clip;

import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.tensor.Tensor;
import java.util.List;

/** Turning a batch's captions into text-tower input, shared by the CLIP and SLIP objectives. */
public final class Captions {
    private Captions() {}

    /** The batch's captions as I64 (B, ctx) ids; a batch without one caption per image is an error. */
    public static Tensor ids(Batch batch, Tokenizer tokenizer, int ctx) {
        List<String> captions = batch.captions();
        if (captions == null || captions.size() != batch.images().size(0)) {
            throw new IllegalArgumentException("CLIP needs one caption per image: batch of "
                    + batch.images().size(0) + " images has "
                    + (captions == null ? "no captions" : captions.size() + " captions") + " (keys " + batch.keys()
                    + ")");
        }
        return tokenizer.tokenize(captions, ctx);
    }

    /** Fails when the tokenizer can produce ids the text tower has no embedding for. */
    public static void checkVocabulary(ClipModel model, Tokenizer tokenizer) {
        if (tokenizer.vocabSize() > model.textConfig().vocab()) {
            throw new IllegalArgumentException(
                    "tokenizer has " + tokenizer.vocabSize() + " tokens but the text tower embeds only "
                            + model.textConfig().vocab());
        }
    }
}
