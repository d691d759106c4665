package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Indexing;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Conv2d(C, D, kernel K, stride p, padding (K - p) / 2) as patch rows + one GEMM. Shape: (B, C, H, W)
 * -> (B, N, D), N = (H/p)(W/p) in row-major grid order. K = p (ViT's non-overlapping patches) is a
 * reshape; K > p (overlapping patches) reads the windows with im2col, which needs images that are
 * data (no gradient to the pixels). Parameters proj.weight (D, C, K, K), proj.bias (D). With a convolutional stem
 * ({@link ConvStem}, parameters stem.{i}.*) the stem brings the image to the (H/p, W/p) grid and proj is a 1x1 conv:
 * proj.weight (D, D, 1, 1).
 */
public final class PatchEmbed extends Module {
    /** Holds the conv parameters under the name {@code proj}, as timm does. */
    public static final class Proj extends Module {
        public final Var weight, bias;

        Proj(int dim, int channels, int kernel, boolean bias, Rng rng) {
            this.weight = param("weight", Tensor.truncNormal(rng, 0.02, -2, 2, dim, channels, kernel, kernel));
            this.bias = bias ? param("bias", Tensor.zeros(dim)) : null;
        }
    }

    public final Proj proj;
    /** The convolutional stem, or null for the patchify conv. */
    public final ConvStem stem;

    private final int patch, channels;

    /** The patch embedding {@code c} describes: the patchify conv (kernel K, stride p) or a conv stem and a 1x1 conv. */
    public static PatchEmbed of(ViTConfig c, Rng rng) {
        return c.convStem()
                ? new PatchEmbed(c.channels(), c.dim(), c.patch(), rng)
                : new PatchEmbed(c.channels(), c.dim(), c.patch(), c.patchKernel(), true, rng);
    }

    /** Non-overlapping p x p patches (kernel = stride = p). */
    public PatchEmbed(int channels, int dim, int patch, boolean bias, Rng rng) {
        this(channels, dim, patch, patch, bias, rng);
    }

    /** Kernel {@code kernel} >= {@code patch}, stride {@code patch}, padding (kernel - patch) / 2. */
    public PatchEmbed(int channels, int dim, int patch, int kernel, boolean bias, Rng rng) {
        requireKernel(patch, kernel);
        this.patch = patch;
        this.channels = channels;
        this.stem = null;
        this.proj = child("proj", new Proj(dim, channels, kernel, bias, rng));
    }

    /** A conv stem to the stride-p grid, then a 1x1 conv (with bias) to D. */
    private PatchEmbed(int channels, int dim, int patch, Rng rng) {
        ConvStem.requireShape(patch, patch, dim);
        this.patch = patch;
        this.channels = channels;
        this.stem = child("stem", new ConvStem(channels, dim, patch, rng));
        this.proj = child("proj", new Proj(dim, dim, 1, true, rng));
    }

    /** A kernel K keeps the stride-p grid when K >= p and K - p is even (padding (K - p) / 2 each side). */
    public static void requireKernel(int patch, int kernel) {
        if (kernel < patch || (kernel - patch) % 2 != 0) {
            throw new IllegalArgumentException("patch kernel " + kernel + " must be the patch size " + patch
                    + " or larger by an even number (padding (K - p) / 2 keeps the grid)");
        }
    }

    public Var forward(Var images) {
        if (images.rank() != 4 || images.size(1) != channels) {
            throw new IllegalArgumentException(
                    "patch embed: images " + images.data().shape() + " need (B, " + channels + ", H, W)");
        }
        if (stem == null) return embed(images, proj.weight, proj.bias, patch);
        requireSides(images, patch);
        return embed(stem.forward(images), proj.weight, proj.bias, 1); // (B, D, H/p, W/p) -> (B, N, D)
    }

    /**
     * The conv of {@code images} (B, C, H, W) with {@code weight} (D, C, K, K) and {@code bias} (D) or
     * null, stride {@code patch}, padding (K - patch) / 2, as tokens (B, N, D).
     */
    public static Var embed(Var images, Var weight, Var bias, int patch) {
        int b = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
        int dim = weight.size(0), kernel = weight.size(2);
        requireSides(images, patch);
        if (weight.size(1) != c)
            throw new IllegalArgumentException(
                    "patch embed: weight " + weight.data().shape() + " needs " + c + " input channels");
        int gh = h / patch, gw = w / patch, k = c * kernel * kernel;
        Var rows = kernel == patch ? patchRows(images, patch) : windowRows(images, patch, kernel); // (B*N, C*K*K)
        Var out = rows.matmul(weight.reshape(dim, k).mT());
        if (bias != null) out = out.add(bias);
        return out.reshape(b, gh * gw, dim);
    }

    private static void requireSides(Var images, int patch) {
        if (images.size(2) % patch != 0 || images.size(3) % patch != 0) {
            throw new IllegalArgumentException(
                    "patch embed: images " + images.data().shape() + " need sides divisible by " + patch);
        }
    }

    /** (B, C, gh, p, gw, p) -> (B, gh, gw, C, p, p) -> (B*N, C*p*p): rows ordered like the flattened conv weight. */
    private static Var patchRows(Var images, int p) {
        int b = images.size(0), c = images.size(1), gh = images.size(2) / p, gw = images.size(3) / p;
        return images.reshape(b, c, gh, p, gw, p).permute(0, 2, 4, 1, 3, 5).reshape(b * gh * gw, c * p * p);
    }

    /** im2col (B, C*K*K, N) -> (B*N, C*K*K), rows ordered (c, i, j) like the flattened conv weight. */
    private static Var windowRows(Var images, int patch, int kernel) {
        if (images.requiresGrad()) {
            throw new IllegalArgumentException("patch embed: overlapping patches (kernel " + kernel + ", stride "
                    + patch + ") take images as data; these images require a gradient");
        }
        requireKernel(patch, kernel);
        int b = images.size(0), c = images.size(1), n = (images.size(2) / patch) * (images.size(3) / patch);
        Tensor cols = Indexing.im2col(images.data(), kernel, kernel, patch, (kernel - patch) / 2); // (B, C*K*K, N)
        if (cols.size(2) != n)
            throw new IllegalStateException("im2col gave " + cols.shape() + ", expected " + n + " windows");
        return Var.of(cols.transpose(1, 2).contiguous().reshape(b * n, c * kernel * kernel));
    }
}
