package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/**
 * Moves one head (b, h) of a strided (B, H, R, C) tensor in and out of a packed row-major tile, and
 * reads the key padding mask. Attention operands arrive as views (q, k, v selected out of a permuted
 * qkv projection, outputs laid out for the following transpose), so every kernel packs the head it
 * works on; the copy is O(R C) against the O(R^2 C) arithmetic on it.
 */
final class AttentionHeads {
    private AttentionHeads() {}

    /** Problem sizes: q (B, H, Tq, D), k (B, H, Tk, D), v (B, H, Tk, Dv). */
    record Dims(int batch, int heads, int tq, int tk, int d, int dv) {
        static Dims of(Tensor q, Tensor k, Tensor v) {
            return new Dims(q.size(0), q.size(1), q.size(2), k.size(2), q.size(3), v.size(3));
        }

        int count() {
            return batch * heads;
        }
    }

    private static int base(Tensor t, int b, int h) {
        return t.offset() + b * t.stride(0) + h * t.stride(1);
    }

    /**
     * dst (n x C), or (C x n) when {@code transpose}, from rows [r0, r0 + n) of head (b, h) of an F32
     * t: (B, H, R, C).
     */
    static void gather(Tensor t, int b, int h, int r0, int n, float[] dst, boolean transpose) {
        float[] src = CpuElementwise.host(t).f32();
        if (t.size(3) == 0) return;
        int cols = t.size(3), sr = t.stride(2), sc = t.stride(3), at = base(t, b, h) + r0 * sr;
        if (transpose) {
            // column by column: contiguous writes, while the n source rows being read stay in L1
            for (int c = 0; c < cols; c++)
                for (int r = 0, s = at + c * sc; r < n; r++, s += sr) dst[c * n + r] = src[s];
            return;
        }
        for (int r = 0; r < n; r++, at += sr) {
            if (sc == 1) {
                System.arraycopy(src, at, dst, r * cols, cols);
            } else {
                for (int c = 0, s = at; c < cols; c++, s += sc) dst[r * cols + c] = src[s];
            }
        }
    }

    /** Rows [r0, r0 + n) of head (b, h) of an F32 t: (B, H, R, C) = src (n x C). */
    static void scatter(float[] src, Tensor t, int b, int h, int r0, int n) {
        float[] dst = CpuElementwise.host(t).f32();
        if (t.size(3) == 0) return;
        int cols = t.size(3), sr = t.stride(2), sc = t.stride(3), at = base(t, b, h) + r0 * sr;
        for (int r = 0; r < n; r++, at += sr) {
            if (sc == 1) System.arraycopy(src, r * cols, dst, at, cols);
            else for (int c = 0, s = at; c < cols; c++, s += sc) dst[s] = src[r * cols + c];
        }
    }

    /** dst (R x C) in double from head (b, h) of an F32 or F64 t: (B, H, R, C). */
    static void gather(Tensor t, int b, int h, double[] dst) {
        CpuStorage s = CpuElementwise.host(t);
        int rows = t.size(2), cols = t.size(3), sr = t.stride(2), sc = t.stride(3), at = base(t, b, h);
        if (t.dtype() == DType.F64) {
            double[] src = s.f64();
            for (int r = 0; r < rows; r++, at += sr)
                for (int c = 0, i = at; c < cols; c++, i += sc) dst[r * cols + c] = src[i];
        } else {
            float[] src = s.f32();
            for (int r = 0; r < rows; r++, at += sr)
                for (int c = 0, i = at; c < cols; c++, i += sc) dst[r * cols + c] = src[i];
        }
    }

    /** Head (b, h) of an F32 or F64 t: (B, H, R, C) = src (R x C), rounded to t's dtype. */
    static void scatter(double[] src, Tensor t, int b, int h) {
        CpuStorage s = CpuElementwise.host(t);
        int rows = t.size(2), cols = t.size(3), sr = t.stride(2), sc = t.stride(3), at = base(t, b, h);
        if (t.dtype() == DType.F64) {
            double[] dst = s.f64();
            for (int r = 0; r < rows; r++, at += sr)
                for (int c = 0, i = at; c < cols; c++, i += sc) dst[i] = src[r * cols + c];
        } else {
            float[] dst = s.f32();
            for (int r = 0; r < rows; r++, at += sr)
                for (int c = 0, i = at; c < cols; c++, i += sc) dst[i] = (float) src[r * cols + c];
        }
    }

    /** Row (b, h) of a (B, H, T) tensor, as doubles. */
    static void gatherRow(Tensor t, int b, int h, double[] dst) {
        int n = t.size(2), st = t.stride(2), at = base(t, b, h);
        CpuStorage s = CpuElementwise.host(t);
        for (int i = 0; i < n; i++) dst[i] = s.getDouble(at + i * st);
    }

    /** Row (b, h) of a (B, H, T) tensor, as floats (F32 t). */
    static void gatherRow(Tensor t, int b, int h, float[] dst) {
        int n = t.size(2), st = t.stride(2), at = base(t, b, h);
        float[] src = CpuElementwise.host(t).f32();
        for (int i = 0; i < n; i++) dst[i] = src[at + i * st];
    }

    /** Row (b, h) of a (B, H, T) tensor = src (rounded to t's dtype). */
    static void scatterRow(double[] src, Tensor t, int b, int h) {
        int n = t.size(2), st = t.stride(2), at = base(t, b, h);
        CpuStorage s = CpuElementwise.host(t);
        for (int i = 0; i < n; i++) s.setDouble(at + i * st, src[i]);
    }

    /** Entries [r0, r0 + n) of row (b, h) of an F32 (B, H, T) tensor = src[0, n). */
    static void scatterRow(float[] src, Tensor t, int b, int h, int r0, int n) {
        int st = t.stride(2), at = base(t, b, h) + r0 * st;
        float[] dst = CpuElementwise.host(t).f32();
        for (int i = 0; i < n; i++) dst[at + i * st] = src[i];
    }

    /** ignore[b * Tk + j] = mask[b][j] for a BOOL mask (B, Tk); null for no mask. */
    static boolean[] ignored(Tensor mask) {
        if (mask == null) return null;
        byte[] m = CpuElementwise.host(mask).bool();
        int batch = mask.size(0), tk = mask.size(1);
        boolean[] out = new boolean[batch * tk];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < tk; j++)
                out[b * tk + j] = m[mask.offset() + b * mask.stride(0) + j * mask.stride(1)] != 0;
        }
        return out;
    }
}
