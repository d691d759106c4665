package dev.loupe.tensor.cpu;

/**
 * Scalar twin of {@link Gemm}, same arguments and semantics. Each C element starts at zero (or at C
 * when accumulating) and takes one {@code Math.fma} per k in increasing order, the same sequence of
 * roundings the vector kernel performs lane by lane, so the two agree bitwise. The i-k-j loop order
 * keeps that per-element order while reading B rows sequentially.
 */
public final class GemmScalar {
    private GemmScalar() {}

    /** C = A.B (or C += A.B when {@code accumulate}); C: (m, n), A: (m, k), B: (k, n). */
    public static void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            boolean accumulate) {
        GemmArgs.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (transB) {
                    for (int j = 0, bi = bOff + p; j < n; j++, bi += ldb) c[ci + j] = Math.fma(av, b[bi], c[ci + j]);
                } else {
                    for (int j = 0, bi = bOff + p * ldb; j < n; j++, bi++) c[ci + j] = Math.fma(av, b[bi], c[ci + j]);
                }
            }
        }
    }

    /** C = bias + A.B, each element's fma chain starting from its bias; see {@link Gemm#gemmBias}. */
    public static void gemmBias(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            float[] bias,
            int biasOff) {
        GemmArgs.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        GemmArgs.checkBias(n, bias, biasOff);
        for (int i = 0; i < m; i++) System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
        gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, true);
    }

    /** Batched form; see {@link Gemm#gemmBatched}. */
    public static void gemmBatched(
            int batch,
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int[] aOffs,
            int lda,
            float[] b,
            int[] bOffs,
            int ldb,
            float[] c,
            int[] cOffs,
            int ldc,
            boolean accumulate) {
        GemmArgs.checkBatch(batch, aOffs, bOffs, cOffs);
        for (int e = 0; e < batch; e++) {
            gemm(transA, transB, m, n, k, a, aOffs[e], lda, b, bOffs[e], ldb, c, cOffs[e], ldc, accumulate);
        }
    }
}
