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
     * dst (n x C) with rows ld apart, or (C x n) with rows ld apart when {@code transpose}, from rows
     * [r0, r0 + n) of head (b, h) of an F32 t: (B, H, R, C). What lies past C (or n) in a dst row is
     * left alone: kernels pad rows to whole vectors and keep the padding zero.
     */
    static void gather(Tensor t, int b, int h, int r0, int n, float[] dst, int ld, boolean transpose) {
        float[] src = CpuElementwise.host(t).f32();
        if (t.size(3) == 0) return;
        int cols = t.size(3), sr = t.stride(2), sc = t.stride(3), at = base(t, b, h) + r0 * sr;
        if (transpose) {
            // four source rows at a time, each column of them four adjacent writes: about half the time
            // of one element per step (T = 50, D = 64: 1.1 against 1.9 us a head)
            int r = 0;
            for (; r + 4 <= n; r += 4) {
                int s0 = at + r * sr, s1 = s0 + sr, s2 = s1 + sr, s3 = s2 + sr;
                for (int c = 0, o = r, cs = 0; c < cols; c++, o += ld, cs += sc) {
                    float x0 = src[s0 + cs], x1 = src[s1 + cs], x2 = src[s2 + cs], x3 = src[s3 + cs];
                    dst[o] = x0;
                    dst[o + 1] = x1;
                    dst[o + 2] = x2;
                    dst[o + 3] = x3;
                }
            }
            for (; r < n; r++) for (int c = 0, s = at + r * sr; c < cols; c++, s += sc) dst[c * ld + r] = src[s];
            return;
        }
        for (int r = 0; r < n; r++, at += sr) {
            if (sc == 1) {
                System.arraycopy(src, at, dst, r * ld, cols);
            } else {
                for (int c = 0, s = at; c < cols; c++, s += sc) dst[r * ld + c] = src[s];
            }
        }
    }

    /** Rows [r0, r0 + n) of head (b, h) of an F32 t: (B, H, R, C) = src (n x C), rows ld apart. */
    static void scatter(float[] src, int ld, Tensor t, int b, int h, int r0, int n) {
        float[] dst = CpuElementwise.host(t).f32();
        if (t.size(3) == 0) return;
        int cols = t.size(3), sr = t.stride(2), sc = t.stride(3), at = base(t, b, h) + r0 * sr;
        for (int r = 0; r < n; r++, at += sr) {
            if (sc == 1) System.arraycopy(src, r * ld, dst, at, cols);
            else for (int c = 0, s = at; c < cols; c++, s += sc) dst[s] = src[r * ld + c];
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
