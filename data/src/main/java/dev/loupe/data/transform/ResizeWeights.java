package dev.loupe.data.transform;

/**
 * One axis of a separable resize: for every output index, the source indices it reads and their
 * weights, as torch's upsample kernels (align_corners=False) compute them.
 *
 * <ul>
 *   <li>bilinear: source coordinate (o + 0.5) * in/out - 0.5, clamped at 0; the neighbour index is
 *       clamped at in - 1.</li>
 *   <li>bicubic: the same coordinate, not clamped; 4 taps at floor(src) - 1 .. + 2 with indices
 *       clamped into the image (edge replication) and cubic-convolution weights, a = -0.75.</li>
 *   <li>antialias (torch's _upsample_*_aa, PIL's resampling): when shrinking, the filter is widened
 *       by the scale in/out; taps are the source pixels within the support around the centre
 *       (o + 0.5) * scale, weighted by filter((j - centre + 0.5) / scale) and normalised to sum 1.
 *       Bicubic uses a = -0.5 here, as PIL does.</li>
 * </ul>
 */
final class ResizeWeights {
    /** indices[o]: source indices read by output o. */
    final int[][] indices;
    /** weights[o][k]: weight of source indices[o][k]. */
    final double[][] weights;

    private ResizeWeights(int[][] indices, double[][] weights) {
        this.indices = indices;
        this.weights = weights;
    }

    static ResizeWeights of(int inSize, int outSize, Interpolation mode, boolean antialias) {
        return antialias ? antialiased(inSize, outSize, mode) : plain(inSize, outSize, mode);
    }

    private static ResizeWeights plain(int inSize, int outSize, Interpolation mode) {
        double scale = (double) inSize / outSize;
        int taps = mode == Interpolation.BILINEAR ? 2 : 4;
        int[][] idx = new int[outSize][taps];
        double[][] w = new double[outSize][taps];
        for (int o = 0; o < outSize; o++) {
            double src = (o + 0.5) * scale - 0.5;
            if (mode == Interpolation.BILINEAR) {
                src = Math.max(src, 0);
                int i0 = (int) Math.floor(src);
                double l1 = src - i0;
                idx[o][0] = i0;
                idx[o][1] = i0 < inSize - 1 ? i0 + 1 : i0;
                w[o][0] = 1 - l1;
                w[o][1] = l1;
            } else {
                int i0 = (int) Math.floor(src);
                double t = src - i0;
                double[] c = {cubic(t + 1, -0.75), cubic(t, -0.75), cubic(1 - t, -0.75), cubic(2 - t, -0.75)};
                for (int k = 0; k < 4; k++) {
                    idx[o][k] = Math.clamp(i0 - 1 + k, 0, inSize - 1);
                    w[o][k] = c[k];
                }
            }
        }
        return new ResizeWeights(idx, w);
    }

    private static ResizeWeights antialiased(int inSize, int outSize, Interpolation mode) {
        double scale = (double) inSize / outSize;
        double halfWidth = mode == Interpolation.BILINEAR ? 1.0 : 2.0;
        double support = scale >= 1 ? halfWidth * scale : halfWidth;
        double invScale = scale >= 1 ? 1 / scale : 1;
        int[][] idx = new int[outSize][];
        double[][] w = new double[outSize][];
        for (int o = 0; o < outSize; o++) {
            double centre = scale * (o + 0.5);
            int first = Math.max((int) (centre - support + 0.5), 0);
            int end = Math.min((int) (centre + support + 0.5), inSize);
            idx[o] = new int[end - first];
            w[o] = new double[end - first];
            double total = 0;
            for (int j = first; j < end; j++) {
                double x = (j - centre + 0.5) * invScale;
                double f = mode == Interpolation.BILINEAR ? Math.max(0, 1 - Math.abs(x)) : cubic(x, -0.5);
                idx[o][j - first] = j;
                w[o][j - first] = f;
                total += f;
            }
            if (total != 0) for (int k = 0; k < w[o].length; k++) w[o][k] /= total;
        }
        return new ResizeWeights(idx, w);
    }

    /** Keys' cubic convolution kernel with parameter a, at distance |x|. */
    private static double cubic(double x, double a) {
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0;
    }
}
