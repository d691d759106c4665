package dev.loupe.tensor.cpu;

import dev.loupe.tensor.UnaryOp;

/**
 * {@link Gemm}'s products with an elementwise pass on each thread's finished C block while it is still in
 * cache ({@link GemmEpilogue}): a linear layer's activation, a residual added to its output, and the
 * gradient through an activation. Each result has the bits of the plain product followed by the unfused
 * pass over the whole matrix.
 */
public final class FusedGemm {
    private FusedGemm() {}

    /**
     * {@link Gemm#gemmBias}, then o(i, j) = op(C(i, j)) for every element, each thread's C block
     * transformed right after its last K block while it is still in cache (a linear layer and its
     * activation without a second pass over memory). o has C's layout (leading dimension ldc) from oOff; o may be c at cOff, which
     * then holds op's result only. Each o element has the bits of {@link Gemm#gemmBias} followed by
     * {@link UnaryLoops#map} over the whole matrix: the vector loops give every element the same
     * arithmetic wherever a run starts or ends.
     */
    public static void gemmBiasUnary(
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
            int biasOff,
            UnaryOp op,
            float[] o,
            int oOff) {
        GemmArgs.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        GemmArgs.checkBias(n, bias, biasOff);
        if (m > 0 && n > 0) GemmArgs.checkSpan("O", o.length, oOff, m, n, ldc);
        GemmEpilogue epilogue = GemmEpilogue.of(op, c, cOff, o, oOff);
        Gemm.biasProduct(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, bias, biasOff, epilogue);
    }

    /**
     * {@link Gemm#gemmBias}, then C(i, j) += R(i, j) for every element, R laid out as C (leading dimension
     * ldc) from rOff: each thread's C block gets the residual added right after its last K block while
     * it is still in cache (a transformer block's x + proj(...) without a second pass over memory).
     * Each element has the bits of {@link Gemm#gemmBias} followed by one float add.
     */
    public static void gemmBiasAdd(
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
            int biasOff,
            float[] r,
            int rOff) {
        GemmArgs.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        GemmArgs.checkBias(n, bias, biasOff);
        if (m > 0 && n > 0) GemmArgs.checkSpan("R", r.length, rOff, m, n, ldc);
        GemmEpilogue epilogue = GemmEpilogue.residual(c, cOff, r, rOff);
        Gemm.biasProduct(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, bias, biasOff, epilogue);
    }

    /**
     * C = (A.B) * op'(X) elementwise, X laid out as C (leading dimension ldc) from xOff: the gradient
     * through an activation that followed a product, applied to each thread's C block after its last
     * K block. Each element has the bits of {@link Gemm#gemm} followed by {@link UnaryBackwardLoops#map}.
     * op must have a fused derivative (UnaryDerivative.supports).
     */
    public static void gemmUnaryBackward(
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
            UnaryOp op,
            float[] x,
            int xOff) {
        GemmArgs.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m > 0 && n > 0) GemmArgs.checkSpan("X", x.length, xOff, m, n, ldc);
        if (!UnaryDerivative.supports(op)) throw new IllegalArgumentException("gemm: no fused derivative for " + op);
        GemmEpilogue epilogue = GemmEpilogue.derivative(op, c, cOff, x, xOff);
        if (k == 0) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            if (m > 0 && n > 0) epilogue.apply(cOff, ldc, m, n);
            return;
        }
        Gemm.single(
                transA,
                transB,
                m,
                n,
                k,
                a,
                aOff,
                lda,
                b,
                bOff,
                ldb,
                c,
                cOff,
                ldc,
                false,
                Gemm.readsAInPlace(transA, n),
                null,
                0,
                epilogue);
    }
}
