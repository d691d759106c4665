package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.util.List;

/**
 * Resizes a position embedding (1, P + gh*gw, D) to another patch grid, keeping the P prefix rows
 * (CLS, ...) and resizing the grid bicubically exactly as torch 1.13's
 * F.interpolate(mode='bicubic', align_corners=False): cubic convolution with a = -0.75, source
 * coordinate (o + 0.5) * step - 0.5 with step = in/out for {@code size=} and 1/scale for
 * {@code scale_factor=} (whose output size is floor(in * scale)), and the four taps clamped to
 * the border. Bicubic is separable, so the resize is two matrix products with (out, in) weight
 * matrices and is differentiable through ordinary matmuls.
 */
public final class PosEmbedInterpolation {
    private static final double A = -0.75;
    /** DINO / DINOv2 add this to the target grid before dividing, so floor(in * scale) lands on it. */
    public static final double DINO_OFFSET = 0.1;

    private PosEmbedInterpolation() {}

    /** As F.interpolate(size=(outH, outW)) (timm's resample_abs_pos_embed without antialias). */
    public static Var resize(Var pos, int prefix, int gh, int gw, int outH, int outW) {
        return apply(pos, prefix, gh, gw, weights(gh, outH, (double) gh / outH), weights(gw, outW, (double) gw / outW));
    }

    /** As F.interpolate(scale_factor=(scaleH, scaleW)): output floor(g * scale), coordinates mapped by 1/scale. */
    public static Var resizeByScale(Var pos, int prefix, int gh, int gw, double scaleH, double scaleW) {
        int outH = (int) Math.floor(gh * scaleH), outW = (int) Math.floor(gw * scaleW);
        return apply(pos, prefix, gh, gw, weights(gh, outH, 1 / scaleH), weights(gw, outW, 1 / scaleW));
    }

    /**
     * DINO's interpolate_pos_encoding for a square source grid of N = pos rows - prefix patches:
     * scale_factor ((outH + 0.1)/sqrt(N), (outW + 0.1)/sqrt(N)), rows first as in DINOv2 (DINO
     * passes the width's factor first, which only differs for non-square targets). Returns pos
     * itself when the grid already matches, as DINO does.
     */
    public static Var dino(Var pos, int prefix, int outH, int outW) {
        int n = pos.size(1) - prefix;
        int g = (int) Math.round(Math.sqrt(n));
        if (g * g != n)
            throw new IllegalArgumentException(
                    "DINO pos-embed interpolation: " + n + " patch rows are not a square grid");
        if (outH == g && outW == g) return pos;
        Var out = resizeByScale(pos, prefix, g, g, (outH + DINO_OFFSET) / g, (outW + DINO_OFFSET) / g);
        if (out.size(1) != prefix + outH * outW) {
            throw new IllegalStateException("DINO pos-embed interpolation: " + g + "x" + g + " gave "
                    + (out.size(1) - prefix) + " rows, wanted " + outH + "x" + outW);
        }
        return out;
    }

    /** The same on a plain tensor (no gradient). */
    public static Tensor resize(Tensor pos, int prefix, int gh, int gw, int outH, int outW) {
        return resize(Var.of(pos), prefix, gh, gw, outH, outW).data();
    }

    public static Tensor resizeByScale(Tensor pos, int prefix, int gh, int gw, double scaleH, double scaleW) {
        return resizeByScale(Var.of(pos), prefix, gh, gw, scaleH, scaleW).data();
    }

    /**
     * Bicubic weights (out, in): row o holds the four cubic-convolution coefficients of output o,
     * added at their input indices clamped to [0, in - 1] (so border taps pile onto the edge).
     * Computed in double; torch uses float32 coefficients, a difference of float rounding only.
     */
    static Tensor weights(int in, int out, double step) {
        if (in < 1 || out < 1)
            throw new IllegalArgumentException("bicubic resize: sizes " + in + " -> " + out + " must be >= 1");
        double[] w = new double[out * in];
        for (int o = 0; o < out; o++) {
            double src = step * (o + 0.5) - 0.5;
            int base = (int) Math.floor(src);
            double t = src - base;
            double[] c = {far(t + 1), near(t), near(1 - t), far(2 - t)};
            for (int k = 0; k < 4; k++) w[o * in + Math.clamp(base - 1 + k, 0, in - 1)] += c[k];
        }
        return Tensor.of(w, out, in);
    }

    // cubic convolution kernel for |x| <= 1 and 1 < |x| < 2 (Keys, a = -0.75 as torch)
    private static double near(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static double far(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }

    // pos: (1, P + gh*gw, D); wh: (oh, gh); ww: (ow, gw) -> (1, P + oh*ow, D)
    private static Var apply(Var pos, int prefix, int gh, int gw, Tensor wh, Tensor ww) {
        if (pos.rank() != 3 || pos.size(0) != 1 || pos.size(1) != prefix + gh * gw) {
            throw new IllegalArgumentException("pos-embed interpolation: "
                    + pos.data().shape() + " is not (1, " + prefix + " + " + gh + "*" + gw + ", D)");
        }
        int d = pos.size(2), oh = wh.size(0), ow = ww.size(0);
        DType dt = pos.dtype();
        Var grid = pos.narrow(1, prefix, gh * gw).reshape(gh, gw * d); // (gh, gw*D)
        Var rows = Var.of(wh.to(dt).to(pos.data().device())).matmul(grid).reshape(oh, gw, d); // (oh, gw, D)
        // the column pass wants gw leading: (gw, oh*D) -> (ow, oh*D) -> (oh, ow, D)
        Var cols = Var.of(ww.to(dt).to(pos.data().device()))
                .matmul(rows.permute(1, 0, 2).reshape(gw, oh * d));
        Var resized = cols.reshape(ow, oh, d).permute(1, 0, 2).reshape(1, oh * ow, d);
        return prefix == 0 ? resized : Var.concat(1, List.of(pos.narrow(1, 0, prefix), resized));
    }
}
