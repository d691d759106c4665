package dev.loupe.eval.supervised;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.Tensor;
import java.util.Map;

/**
 * Supervised classification: cross-entropy (optionally label-smoothed) of a ViT's head logits on
 * the first view of each batch. Every parameter trains. Metric: the batch's top-1 accuracy under the
 * training-mode forward pass ("train_accuracy").
 */
public final class ClassificationObjective implements Objective<Batch> {
    private final VisionTransformer model;
    private final double labelSmoothing;
    private double lastAccuracy = Double.NaN;

    public ClassificationObjective(VisionTransformer model, double labelSmoothing) {
        if (model.config().numClasses() < 2) {
            throw new IllegalArgumentException("classification needs a ViT with a head of >= 2 classes, got "
                    + model.config().numClasses());
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1)
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        this.model = model;
        this.labelSmoothing = labelSmoothing;
    }

    public VisionTransformer model() {
        return model;
    }

    @Override
    public Module module() {
        return model;
    }

    @Override
    public Map<String, Var> trainableParameters() {
        return model.namedParameters();
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        if (batch.labels() == null)
            throw new IllegalArgumentException("supervised training needs labels; batch " + batch.keys() + " has none");
        Var logits = model.forward(Var.of(batch.images())); // (B, K)
        lastAccuracy = correct(logits.data(), batch.labels()) / (double) batch.size();
        return logits.crossEntropy(batch.labels(), labelSmoothing);
    }

    /** How many rows of {@code logits} (B, K) have their maximum at the label in {@code labels} (B). */
    static long correct(Tensor logits, Tensor labels) {
        long[] predicted = logits.argmax(1, false).toLongArray(), truth = labels.toLongArray();
        long n = 0;
        for (int i = 0; i < truth.length; i++) if (predicted[i] == truth[i]) n++;
        return n;
    }

    @Override
    public Map<String, Double> metrics() {
        return Double.isNaN(lastAccuracy) ? Map.of() : Map.of("train_accuracy", lastAccuracy);
    }
}
