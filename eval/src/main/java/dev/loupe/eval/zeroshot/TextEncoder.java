package dev.loupe.eval.zeroshot;

import dev.loupe.autograd.GradMode;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.tensor.Tensor;
import java.util.List;

/** Texts -> embeddings (N, E), float32, not necessarily normalised. */
@FunctionalInterface
public interface TextEncoder {
    Tensor encode(List<String> texts);

    /**
     * A CLIP model's text tower: texts tokenised to its context length, encoded in batches of
     * {@code batchSize} without gradients and in eval mode.
     */
    static TextEncoder of(ClipModel model, Tokenizer tokenizer, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("text batch size must be >= 1, got " + batchSize);
        return texts -> {
            if (texts.isEmpty()) throw new IllegalArgumentException("no texts to encode");
            boolean wasTraining = model.isTraining();
            model.train(false);
            try (var scope = GradMode.disable()) {
                Tensor[] parts = new Tensor[(texts.size() + batchSize - 1) / batchSize];
                for (int i = 0; i < parts.length; i++) {
                    List<String> chunk = texts.subList(i * batchSize, Math.min(texts.size(), (i + 1) * batchSize));
                    parts[i] = model.encodeText(
                                    tokenizer.tokenize(chunk, model.textConfig().ctx()))
                            .data()
                            .contiguous();
                }
                return parts.length == 1 ? parts[0] : Tensor.concat(0, parts);
            } finally {
                model.train(wasTraining);
            }
        };
    }
}
