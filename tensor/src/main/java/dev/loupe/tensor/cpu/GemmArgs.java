package dev.loupe.tensor.cpu;

/**
 * The argument checks of {@link Gemm} and {@link GemmScalar}: sizes and leading dimensions, and that every element
 * a product reads or writes lies in its array, with messages that name the operand, its shape and the offset.
 */
final class GemmArgs {
    private GemmArgs() {}

    static void checkBias(int n, float[] bias, int biasOff) {
        if (biasOff < 0 || (long) biasOff + n > bias.length) {
            throw new IndexOutOfBoundsException(
                    "gemm: bias of " + n + " at offset " + biasOff + " does not fit an array of " + bias.length);
        }
    }

    /** Checks dimensions, leading dimensions and that every element read or written is in its array. */
    static void checkArgs(
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
            int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (lda < 0 || ldb < 0 || ldc < 0) {
            throw new IllegalArgumentException(
                    "gemm: negative leading dimension lda=" + lda + " ldb=" + ldb + " ldc=" + ldc);
        }
        if (m > 1 && ldc < n) {
            throw new IllegalArgumentException("gemm: ldc=" + ldc + " < n=" + n + " makes rows of C overlap");
        }
        if (m > 0 && n > 0) checkSpan("C", c.length, cOff, m, n, ldc);
        if (k > 0) {
            if (m > 0) checkSpan(transA ? "A^T" : "A", a.length, aOff, transA ? k : m, transA ? m : k, lda);
            if (n > 0) checkSpan(transB ? "B^T" : "B", b.length, bOff, transB ? n : k, transB ? k : n, ldb);
        }
    }

    static void checkBatch(int batch, int[] aOffs, int[] bOffs, int[] cOffs) {
        if (batch < 0 || aOffs.length < batch || bOffs.length < batch || cOffs.length < batch) {
            throw new IllegalArgumentException("gemm: batch " + batch + " needs that many offsets, got " + aOffs.length
                    + ", " + bOffs.length + ", " + cOffs.length);
        }
    }

    static void checkSpan(String name, int length, int off, int rows, int cols, int ld) {
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= length) {
            throw new IndexOutOfBoundsException(
                    "gemm: " + name + " (" + rows + ", " + cols + ") with leading dimension " + ld + " at offset " + off
                            + " reaches element " + last + " of an array of " + length);
        }
    }
}
