package dev.loupe.nn.train;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test fixtures: a cross-entropy objective on a tiny ViT (drop path on) and a synthetic, seeded batch source. */
final class TinyClassifier {
    private TinyClassifier() {}

    /** 8x8 grey images, patch 4, dim 16, 2 blocks, 3 classes, drop path 0.1. */
    static VisionTransformer model(long initSeed) {
        return new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 2, 2, 3).withDropPath(0.1), new Rng(initSeed));
    }

    /** images: (B, 1, 8, 8), labels: (B) int64. */
    record Batch(Tensor images, Tensor labels) {}

    /** Cross-entropy of the ViT's logits; {@code nanAtStep} >= 0 makes that step's loss NaN. */
    static Objective<Batch> objective(VisionTransformer vit, long nanAtStep) {
        return new Objective<>() {
            @Override
            public Module module() {
                return vit;
            }

            @Override
            public Map<String, Var> trainableParameters() {
                return vit.namedParameters();
            }

            @Override
            public Var loss(Batch b, StepInfo step) {
                Var loss = vit.forward(Var.of(b.images())).crossEntropy(b.labels(), 0.0);
                return step.step() == nanAtStep ? loss.mul(Double.NaN) : loss;
            }
        };
    }

    /** 12 fixed samples in batches of 4; each epoch a permutation drawn from Rng(100 + epoch). */
    static BatchSource<Batch> source() {
        Rng rng = new Rng(7);
        Tensor images = Tensor.randn(rng, 12, 1, 8, 8);
        long[] labels = new long[12];
        for (int i = 0; i < 12; i++) labels[i] = i % 3;
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return 3;
            }

            @Override
            public EpochIterator<Batch> epoch(int epoch, long startBatch) {
                int[] order = new Rng(100 + epoch).permutation(12);
                List<Batch> batches = new ArrayList<>();
                for (int b = (int) startBatch; b < 3; b++) {
                    Tensor[] xs = new Tensor[4];
                    long[] ys = new long[4];
                    for (int i = 0; i < 4; i++) {
                        int s = order[b * 4 + i];
                        xs[i] = images.narrow(0, s, 1);
                        ys[i] = labels[s];
                    }
                    batches.add(new Batch(Tensor.concat(0, xs), Tensor.ofLongs(ys, 4)));
                }
                return EpochIterator.of(batches.iterator());
            }

            @Override
            public int samplesIn(Batch batch) {
                return batch.images().size(0);
            }
        };
    }
}
