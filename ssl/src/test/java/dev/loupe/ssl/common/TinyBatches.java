package dev.loupe.ssl.common;

import dev.loupe.data.Batch;
import dev.loupe.nn.ViTConfig;
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
}
