package dev.loupe.eval.features;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Finite;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * A ViT's outputs for images already in memory as one tensor (N, C, H, W), normalised as the model was
 * trained ({@code loupe features} reads them from .npy): the final-norm CLS token, what the head reads,
 * or the logits, in batches on a device, gathered on the CPU.
 */
public final class ImageTensorFeatures {
    private ImageTensorFeatures() {}

    /** Which output of the model to keep for each image. */
    public enum Output {
        /** The final-norm CLS token, (N, D). */
        CLS,
        /** What the head reads: CLS, or the mean patch token of a mean-pooled model, (N, D). */
        POOLED,
        /** The head's output, (N, K). */
        LOGITS;

        /** cls, pooled or logits. */
        public static Output parse(String name) {
            return switch (name) {
                case "cls" -> CLS;
                case "pooled" -> POOLED;
                case "logits" -> LOGITS;
                default ->
                    throw new IllegalArgumentException("--output must be cls, pooled or logits, got '" + name + "'");
            };
        }

        /** The width of this output for a model of config: D, or K for logits. */
        public int width(ViTConfig config) {
            return this == LOGITS ? config.numClasses() : config.dim();
        }

        /** x: (b, C, H, W) -> (b, width) on the model's device. */
        Var apply(VisionTransformer model, Var x) {
            return switch (this) {
                case CLS -> model.forwardTokens(x).select(1, 0); // (b, D)
                case POOLED -> model.forwardFeatures(x); // (b, D)
                case LOGITS -> model.forward(x); // (b, K)
            };
        }
    }

    /**
     * images checked against the model's input (rank 4, C x H x W of config, float32 or float64, finite)
     * and as float32; source names the images in errors.
     */
    public static Tensor checkedImages(Tensor images, ViTConfig config, String source) {
        int[] s = images.sizes();
        if (images.rank() != 4
                || s[1] != config.channels()
                || s[2] != config.imageSize()
                || s[3] != config.imageSize()) {
            throw new IllegalArgumentException(source + ": images " + images.shape()
                    + " do not match the model's input (N, " + config.channels() + ", " + config.imageSize() + ", "
                    + config.imageSize() + ")");
        }
        if (images.dtype() != DType.F32 && images.dtype() != DType.F64) {
            throw new IllegalArgumentException(source + ": images are " + images.dtype()
                    + "; features needs float32 (or float64)," + " already normalised as the model was trained");
        }
        Finite.require(images, source); // a NaN image would give NaN features with exit 0
        return images.dtype() == DType.F32 ? images : images.to(DType.F32);
    }

    /**
     * The output of model (in eval mode, already on device) for images (N, C, H, W), batch images per
     * forward pass without gradients: (N, width) on the CPU, (0, width) for no images. progress gets the
     * number of images done after each batch.
     */
    public static Tensor compute(
            VisionTransformer model, Tensor images, Output output, int batch, Device device, IntConsumer progress) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        int n = images.sizes()[0];
        List<Tensor> parts = new ArrayList<>();
        try (var scope = GradMode.disable()) {
            for (int i = 0; i < n; i += batch) {
                Var xb = Var.of(images.narrow(0, i, Math.min(batch, n - i)).to(device));
                parts.add(output.apply(model, xb).data().cpu());
                progress.accept(Math.min(i + batch, n));
            }
        }
        return parts.isEmpty()
                ? Tensor.zeros(0, output.width(model.config()))
                : Tensor.concat(0, parts.toArray(Tensor[]::new));
    }

    /** The model's shape as {@code loupe features} reports it: "6 blocks, dim 128, heads 4, patch 4, 28px". */
    public static String describe(ViTConfig config) {
        return String.format(
                Locale.ROOT,
                "%d blocks, dim %d, heads %d, %s%s, %dpx",
                config.depth(),
                config.dim(),
                config.heads(),
                config.patchLabel(),
                config.meanPool() ? ", mean pool" : "",
                config.imageSize());
    }
}
