package dev.loupe.cli.train;

import dev.loupe.nn.ViTConfig;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The ViT to train: a preset name or explicit --dim --depth --heads. Presets: the timm sizes
 * (tiny, small, base, large, huge, giant, ...) and "fmnist", a small ViT for 28x28 images
 * (dim 128, depth 6, heads 4). Explicit sizes override the preset's.
 */
public final class ModelOptions {
    @Option(
            names = "--model",
            defaultValue = "fmnist",
            description =
                    "fmnist (dim 128, depth 6, heads 4), tiny, small, base, large, ... (default ${DEFAULT-VALUE}).")
    public String model;

    @Option(names = "--dim", description = "Embedding width (overrides the preset).")
    public Integer dim;

    @Option(names = "--depth", description = "Blocks (overrides the preset).")
    public Integer depth;

    @Option(names = "--heads", description = "Attention heads (overrides the preset).")
    public Integer heads;

    @Option(
            names = "--patch",
            defaultValue = "4",
            description = "Patch size (default ${DEFAULT-VALUE}, for 28x28 images).")
    public int patch;

    @Option(
            names = "--patch-kernel",
            description =
                    "Patch embedding kernel K >= --patch: K > patch gives overlapping patches "
                            + "(Conv2d kernel K, stride patch, padding (K - patch) / 2, same grid), e.g. 8 with patch 4 (default: the patch size).")
    public Integer patchKernel;

    @Option(
            names = "--conv-stem",
            description =
                    "A convolutional stem instead of the patchify conv (Xiao et al. 2021): log2(patch) 3x3 stride-2 convs "
                            + "with GELU, widening to the model's width, then a 1x1 conv to the tokens; needs a power-of-two patch and no --patch-kernel.")
    public boolean convStem;

    @Option(
            names = "--pool",
            defaultValue = "cls",
            description =
                    "Image representation: cls (the CLS token, DINO/timm default) or mean "
                            + "(mean of the patch tokens, timm's global_pool='avg'); training heads and the kNN monitor use it; evaluate the weights with --features mean (default ${DEFAULT-VALUE}).")
    public String pool;

    @Option(
            names = "--drop-path",
            defaultValue = "0",
            description = "Stochastic depth rate at the last block (default ${DEFAULT-VALUE}).")
    public double dropPath;

    /** The configuration for images of {@code imageSize} with {@code channels} and a head of {@code numClasses} (0: none). */
    public ViTConfig resolve(int imageSize, int channels, int numClasses) {
        ViTConfig base;
        if (model.toLowerCase(Locale.ROOT).equals("fmnist")) {
            base = ViTConfig.of(imageSize, patch, channels, 128, 6, 4, numClasses);
        } else {
            try {
                base = ViTConfig.preset(model, imageSize, patch, channels, numClasses);
            } catch (IllegalArgumentException e) {
                // the library's presets, plus this command's own default
                throw new IllegalArgumentException(
                        "--model: " + e.getMessage() + ", or fmnist (dim 128, depth 6, heads 4; the default)");
            }
        }
        return base.toBuilder()
                .dim(dim != null ? dim : base.dim())
                .depth(depth != null ? depth : base.depth())
                .heads(heads != null ? heads : base.heads())
                .meanPool(base.meanPool() || meanPool(pool))
                .patchKernel(patchKernel != null ? patchKernel : patch)
                .convStem(convStem)
                .dropPath(dropPath, base.uniformDropPath())
                .build();
    }

    /** {@code --pool}: true for mean (the mean patch token), false for cls; anything else is refused with the value. */
    public static boolean meanPool(String pool) {
        if (!pool.equals("cls") && !pool.equals("mean"))
            throw new IllegalArgumentException("--pool must be cls or mean, got '" + pool + "'");
        return pool.equals("mean");
    }
}
