package dev.loupe.bench;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.tensor.KernelProfiler;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

import java.util.List;

/**
 * Images per second for one ViT training step (forward, cross-entropy, backward, AdamW) and one
 * inference pass, with the same model, flags and step counts as ../shared/anchors/torch_vit_step.py.
 */
public final class VitSpeed {
    /** What was measured; {@code trainProfile} is empty unless profiling was asked for. */
    public record Result(double trainImagesPerSecond, double inferImagesPerSecond, List<KernelProfiler.Entry> trainProfile) {}

    private VitSpeed() {}

    public static Result measure(int dim, int depth, int heads, int img, int patch, int chans, int batch, int steps, int warmup,
                                 boolean profile) {
        Rng rng = new Rng(0);
        VisionTransformer model = new VisionTransformer(ViTConfig.of(img, patch, chans, dim, depth, heads, 10), rng);
        AdamW opt = new AdamW(ParamGroup.single(model.namedParameters()), 1e-3);
        Var x = Var.of(Tensor.randn(rng, batch, chans, img, img));
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(10);
        Tensor y = Tensor.ofLongs(labels);

        Runnable step = () -> {
            opt.zeroGrad();
            model.forward(x).crossEntropy(y, 0).backward();
            opt.step();
        };
        for (int i = 0; i < warmup; i++) step.run();
        if (profile) KernelProfiler.start();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) step.run();
        double train = (double) batch * steps / ((System.nanoTime() - t0) * 1e-9);
        List<KernelProfiler.Entry> rows = profile ? KernelProfiler.stop() : List.of();

        model.train(false);
        double infer;
        try (var scope = GradMode.disable()) {
            for (int i = 0; i < warmup; i++) model.forward(x);
            t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) model.forward(x);
            infer = (double) batch * steps / ((System.nanoTime() - t0) * 1e-9);
        }
        return new Result(train, infer, rows);
    }
}
