package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolutional stem in place of ViT's patchify conv (Xiao et al. 2021, "Early convolutions help transformers
 * see better"): log2(p) convs 3x3, stride 2, padding 1, each followed by GELU, widening to D at the last one
 * (D / 2^(s-1), ..., D / 2, D for s stages); {@link PatchEmbed} then maps the (H/p, W/p) grid to tokens with a
 * 1x1 conv. Shape: images (B, C, H, W) -> (B, D, H/p, W/p). Parameters {i}.weight (C_i+1, C_i, 3, 3) and {i}.bias,
 * initialised as torch's Conv2d (uniform within 1 / sqrt(fan in)). The paper's BatchNorm + ReLU are GELU without a
 * norm here: a batch statistic would couple the images of an SSL batch. The convs are differentiable in their input
 * (padding, then a gather of the 3x3 windows, then one GEMM), so they run on every backend.
 */
public final class ConvStem extends Module {
    private static final int KERNEL = 3, STRIDE = 2, PADDING = 1;

    /** One 3x3 stride-2 conv's parameters. */
    public static final class Conv extends Module {
        public final Var weight, bias;

        Conv(int out, int in, Rng rng) {
            double bound = 1 / Math.sqrt(in * KERNEL * KERNEL);
            this.weight = param("weight", Tensor.zeros(out, in, KERNEL, KERNEL));
            this.bias = param("bias", Tensor.zeros(out));
            Init.uniform(weight, bound, rng);
            Init.uniform(bias, bound, rng);
        }
    }

    public final List<Conv> convs = new ArrayList<>();

    public ConvStem(int channels, int dim, int patch, Rng rng) {
        int[] widths = widths(dim, patch);
        int in = channels;
        for (int i = 0; i < widths.length; i++) {
            convs.add(child(Integer.toString(i), new Conv(widths[i], in, rng)));
            in = widths[i];
        }
    }

    /** The stages' output widths for embedding width D and patch p: D / 2^(s-1), ..., D, s = log2(p). */
    public static int[] widths(int dim, int patch) {
        int stages = Integer.numberOfTrailingZeros(patch);
        int[] w = new int[stages];
        for (int i = 0; i < stages; i++) w[i] = dim >> (stages - 1 - i);
        return w;
    }

    /** A stem needs p = 2^s (s >= 1), the patchify kernel left at p, and D divisible by 2^(s-1). */
    public static void requireShape(int patch, int patchKernel, int dim) {
        if (patch < 2 || Integer.bitCount(patch) != 1)
            throw new IllegalArgumentException("a conv stem needs a patch size that is a power of two, got " + patch);
        if (patchKernel != patch)
            throw new IllegalArgumentException(
                    "a conv stem replaces the patch kernel; patch kernel " + patchKernel + " must stay " + patch);
        int stages = Integer.numberOfTrailingZeros(patch);
        if (dim % (1 << (stages - 1)) != 0)
            throw new IllegalArgumentException("a conv stem of " + stages + " stages needs dim divisible by "
                    + (1 << (stages - 1)) + ", got " + dim);
    }

    /** (B, C, H, W) -> (B, D, H/p, W/p). */
    public Var forward(Var images) {
        Var x = images;
        for (Conv c : convs) x = conv(x, c.weight, c.bias).gelu();
        return x;
    }

    /**
     * Conv2d(x, weight, bias, kernel 3, stride 2, padding 1): x (B, C, H, W), weight (O, C, 3, 3), bias (O) -> (B, O,
     * H', W'), H' = (H - 1) / 2 + 1. The windows are gathered from the padded image, rows ordered (c, i, j) like the
     * flattened weight; the gather's gradient adds each window's share back to its pixels.
     */
    public static Var conv(Var x, Var weight, Var bias) {
        int b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), out = weight.size(0);
        if (weight.size(1) != c)
            throw new IllegalArgumentException(
                    "conv stem: weight " + weight.data().shape() + " needs " + c + " input channels");
        int oh = (h + 2 * PADDING - KERNEL) / STRIDE + 1, ow = (w + 2 * PADDING - KERNEL) / STRIDE + 1;
        int ph = h + 2 * PADDING, pw = w + 2 * PADDING, taps = KERNEL * KERNEL;
        Var padded = x.pad(new int[] {PADDING, PADDING, PADDING, PADDING}, 0).reshape(b, c, ph * pw);
        Tensor index = windowIndex(oh, ow, pw).to(x.data().device());
        Var rows = padded.indexSelect(2, index) // (B, C, N * 9), N = oh * ow
                .reshape(b, c, oh * ow, taps)
                .permute(0, 2, 1, 3)
                .reshape(b * oh * ow, c * taps); // (B*N, C*9)
        Var y = rows.matmul(weight.reshape(out, c * taps).mT()).add(bias); // (B*N, O)
        return y.reshape(b, oh, ow, out).permute(0, 3, 1, 2);
    }

    /** For each output position (row-major) its 9 taps (i, j) as flat indices into a padded row of width pw. */
    private static Tensor windowIndex(int oh, int ow, int pw) {
        long[] idx = new long[oh * ow * KERNEL * KERNEL];
        int at = 0;
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int i = 0; i < KERNEL; i++)
                    for (int j = 0; j < KERNEL; j++) idx[at++] = (long) (y * STRIDE + i) * pw + x * STRIDE + j;
        return Tensor.ofLongs(idx, idx.length);
    }
}
