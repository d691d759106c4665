package dev.loupe.nn;

import dev.loupe.tensor.Tensor;

/**
 * MAE's fixed 2-D sin-cos position embedding (util/pos_embed.py get_2d_sincos_pos_embed). For the
 * patch at row i, column j of the grid, channels [0, D/2) encode the column j and [D/2, D) the row
 * i (MAE builds the grid as meshgrid(w, h), w first); each half is [sin(pos * omega), cos(pos * omega)]
 * with omega_k = 1 / 10000^(k / (D/4)), k < D/4. Computed in double, stored as F32 as MAE does.
 */
public final class SinCos {
    private SinCos() {}

    /** (1, G*G (+1), D); with {@code withCls} a zero row for the CLS token comes first. */
    public static Tensor embedding2d(int dim, int gridSize, boolean withCls) {
        return embedding2d(dim, gridSize, gridSize, withCls);
    }

    /** (1, gh*gw (+1), D) for a gh x gw grid, tokens in row-major order. */
    public static Tensor embedding2d(int dim, int gh, int gw, boolean withCls) {
        if (dim % 4 != 0 || dim < 4)
            throw new IllegalArgumentException(
                    "sin-cos position embedding: dim " + dim + " must be a positive multiple of 4");
        if (gh < 1 || gw < 1)
            throw new IllegalArgumentException("sin-cos position embedding: grid " + gh + "x" + gw + " is empty");
        int quarter = dim / 4, prefix = withCls ? 1 : 0;
        double[] omega = new double[quarter];
        for (int k = 0; k < quarter; k++) omega[k] = 1.0 / Math.pow(10000, (double) k / quarter);
        float[] out = new float[(prefix + gh * gw) * dim];
        for (int i = 0; i < gh; i++) {
            for (int j = 0; j < gw; j++) {
                int row = (prefix + i * gw + j) * dim;
                fill1d(out, row, j, omega); // column index: the first half
                fill1d(out, row + 2 * quarter, i, omega); // row index: the second half
            }
        }
        return Tensor.of(out, 1, prefix + gh * gw, dim);
    }

    // [sin(pos * omega_0..q-1), cos(pos * omega_0..q-1)] at out[at .. at + 2q)
    private static void fill1d(float[] out, int at, int pos, double[] omega) {
        int q = omega.length;
        for (int k = 0; k < q; k++) {
            double angle = pos * omega[k];
            out[at + k] = (float) Math.sin(angle);
            out[at + q + k] = (float) Math.cos(angle);
        }
    }
}
