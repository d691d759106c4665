package dev.loupe.ssl.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Small random multi-crop batches and a tiny ViT for the objective tests. */
public final class TinyBatches {
    private TinyBatches() {}

    /** dim 16, depth 1, 2 heads, 8x8x3 images, patch 2, no head. */
    public static ViTConfig tinyVit() {
        return ViTConfig.of(8, 2, 3, 16, 1, 2, 0);
    }

    /** {@code globals} views of size 8 and {@code locals} of size 4, each (B, 3, s, s), random in [0, 1). */
    public static Batch views(int b, int globals, int locals, Rng rng) {
        List<Tensor> views = new ArrayList<>();
        for (int i = 0; i < globals; i++) views.add(Tensor.rand(rng, b, 3, 8, 8));
        for (int i = 0; i < locals; i++) views.add(Tensor.rand(rng, b, 3, 4, 4));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < b; i++) keys.add("sample" + i);
        return new Batch(views, null, null, keys);
    }

    public static StepInfo step(long step, long total, long perEpoch) {
        return new StepInfo(step, total, (int) (step / perEpoch), perEpoch);
    }

    /**
     * {@code steps} AdamW steps (lr 3e-3, the objective's after-step hook run) on one repeated batch: every
     * loss finite and the last below the first.
     */
    public static void assertLossFalls(Objective<Batch> objective, Batch batch, int steps) {
        AdamW opt = new AdamW(ParamGroup.single(objective.trainableParameters()), 3e-3);
        double first = 0, last = 0;
        for (int i = 0; i < steps; i++) {
            StepInfo step = new StepInfo(i, steps, 0, steps);
            opt.zeroGrad();
            Var loss = objective.loss(batch, step);
            assertTrue(Double.isFinite(loss.item()), "loss " + loss.item() + " at step " + i);
            loss.backward();
            opt.step();
            objective.afterOptimizerStep(step);
            if (i == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < first, "loss did not decrease: " + first + " -> " + last);
    }
}
