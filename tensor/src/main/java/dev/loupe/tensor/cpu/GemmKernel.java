package dev.loupe.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM register microkernels: one MR x NR tile of C = A.B over an A micro-panel (packed, or read in
 * place from a row-major A) and a packed B micro-panel, MR = 12 rows by NR = 2 vectors. The 24 accumulators, 2 B vectors and 1 broadcast A
 * value fill 27 of the 32 AVX-512 registers; more rows spill (measured: 14 x 2 halves the speed).
 *
 * <p>Each C element is accumulated over k in increasing order with one fma per step, starting from
 * zero or from C: exactly what {@link GemmScalar} does, so the two agree bitwise.
 */
final class GemmKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> S = SPECIES;
    private static final int VL = S.length();
    /** Rows of a tile (A panel height). */
    static final int MR = 12;
    /** Columns of a tile (B panel width): two vectors. */
    static final int NR = 2 * VL;

    private GemmKernel() {}

    /**
     * c[co + r * ldc + j] (r < MR, j < NR) = (load ? c : init ? init[io + j] : 0) + sum over p < kc of
     * ap[ao + p * ks + r] * bp[bo + p * NR + j].
     * ap: an A micro-panel whose MR values of one k step are adjacent, k steps ks apart: packed (kc, MR)
     * row-major (ks = MR), or the columns of a transposed A read in place (ks = lda); see
     * {@link #tileRows} for a row-major A read in place.
     * bp: packed B micro-panel (kc, NR) row-major. init: a row (NR floats at io) every row of the tile
     * starts from when not loading C (a linear layer's bias), or null for zero.
     */
    static void tile(
            float[] ap,
            int ao,
            int ks,
            float[] bp,
            int bo,
            int kc,
            float[] c,
            int co,
            int ldc,
            boolean load,
            float[] init,
            int io) {
        FloatVector z = FloatVector.zero(S);
        FloatVector z0 = init == null ? z : FloatVector.fromArray(S, init, io),
                z1 = init == null ? z : FloatVector.fromArray(S, init, io + VL);
        FloatVector c00 = load ? FloatVector.fromArray(S, c, co) : z0,
                c01 = load ? FloatVector.fromArray(S, c, co + VL) : z1;
        FloatVector c10 = load ? FloatVector.fromArray(S, c, co + 1 * ldc) : z0,
                c11 = load ? FloatVector.fromArray(S, c, co + 1 * ldc + VL) : z1;
        FloatVector c20 = load ? FloatVector.fromArray(S, c, co + 2 * ldc) : z0,
                c21 = load ? FloatVector.fromArray(S, c, co + 2 * ldc + VL) : z1;
        FloatVector c30 = load ? FloatVector.fromArray(S, c, co + 3 * ldc) : z0,
                c31 = load ? FloatVector.fromArray(S, c, co + 3 * ldc + VL) : z1;
        FloatVector c40 = load ? FloatVector.fromArray(S, c, co + 4 * ldc) : z0,
                c41 = load ? FloatVector.fromArray(S, c, co + 4 * ldc + VL) : z1;
        FloatVector c50 = load ? FloatVector.fromArray(S, c, co + 5 * ldc) : z0,
                c51 = load ? FloatVector.fromArray(S, c, co + 5 * ldc + VL) : z1;
        FloatVector c60 = load ? FloatVector.fromArray(S, c, co + 6 * ldc) : z0,
                c61 = load ? FloatVector.fromArray(S, c, co + 6 * ldc + VL) : z1;
        FloatVector c70 = load ? FloatVector.fromArray(S, c, co + 7 * ldc) : z0,
                c71 = load ? FloatVector.fromArray(S, c, co + 7 * ldc + VL) : z1;
        FloatVector c80 = load ? FloatVector.fromArray(S, c, co + 8 * ldc) : z0,
                c81 = load ? FloatVector.fromArray(S, c, co + 8 * ldc + VL) : z1;
        FloatVector c90 = load ? FloatVector.fromArray(S, c, co + 9 * ldc) : z0,
                c91 = load ? FloatVector.fromArray(S, c, co + 9 * ldc + VL) : z1;
        FloatVector c100 = load ? FloatVector.fromArray(S, c, co + 10 * ldc) : z0,
                c101 = load ? FloatVector.fromArray(S, c, co + 10 * ldc + VL) : z1;
        FloatVector c110 = load ? FloatVector.fromArray(S, c, co + 11 * ldc) : z0,
                c111 = load ? FloatVector.fromArray(S, c, co + 11 * ldc + VL) : z1;
        for (int p = 0; p < kc; p++, ao += ks, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + VL);
            FloatVector a0 = FloatVector.broadcast(S, ap[ao]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[ao + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[ao + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(S, ap[ao + 8]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
            FloatVector a9 = FloatVector.broadcast(S, ap[ao + 9]);
            c90 = a9.fma(b0, c90);
            c91 = a9.fma(b1, c91);
            FloatVector a10 = FloatVector.broadcast(S, ap[ao + 10]);
            c100 = a10.fma(b0, c100);
            c101 = a10.fma(b1, c101);
            FloatVector a11 = FloatVector.broadcast(S, ap[ao + 11]);
            c110 = a11.fma(b0, c110);
            c111 = a11.fma(b1, c111);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + VL);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + VL);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + VL);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + VL);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + VL);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + VL);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + VL);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + VL);
        c80.intoArray(c, co + 8 * ldc);
        c81.intoArray(c, co + 8 * ldc + VL);
        c90.intoArray(c, co + 9 * ldc);
        c91.intoArray(c, co + 9 * ldc + VL);
        c100.intoArray(c, co + 10 * ldc);
        c101.intoArray(c, co + 10 * ldc + VL);
        c110.intoArray(c, co + 11 * ldc);
        c111.intoArray(c, co + 11 * ldc + VL);
    }

    /**
     * {@link #tile} with A read in place from a row-major matrix: A(r, p) = ap[ao + r * rs + p]
     * (rs = lda). A separate method so the packed kernel keeps constant offsets: with both strides as
     * variables the packed path measured 16-27% slower at n = 512 (registers for eleven row offsets).
     */
    static void tileRows(
            float[] ap,
            int ao,
            int rs,
            float[] bp,
            int bo,
            int kc,
            float[] c,
            int co,
            int ldc,
            boolean load,
            float[] init,
            int io) {
        final int r1 = rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs, r6 = 6 * rs;
        final int r7 = 7 * rs, r8 = 8 * rs, r9 = 9 * rs, r10 = 10 * rs, r11 = 11 * rs;
        FloatVector z = FloatVector.zero(S);
        FloatVector z0 = init == null ? z : FloatVector.fromArray(S, init, io),
                z1 = init == null ? z : FloatVector.fromArray(S, init, io + VL);
        FloatVector c00 = load ? FloatVector.fromArray(S, c, co) : z0,
                c01 = load ? FloatVector.fromArray(S, c, co + VL) : z1;
        FloatVector c10 = load ? FloatVector.fromArray(S, c, co + 1 * ldc) : z0,
                c11 = load ? FloatVector.fromArray(S, c, co + 1 * ldc + VL) : z1;
        FloatVector c20 = load ? FloatVector.fromArray(S, c, co + 2 * ldc) : z0,
                c21 = load ? FloatVector.fromArray(S, c, co + 2 * ldc + VL) : z1;
        FloatVector c30 = load ? FloatVector.fromArray(S, c, co + 3 * ldc) : z0,
                c31 = load ? FloatVector.fromArray(S, c, co + 3 * ldc + VL) : z1;
        FloatVector c40 = load ? FloatVector.fromArray(S, c, co + 4 * ldc) : z0,
                c41 = load ? FloatVector.fromArray(S, c, co + 4 * ldc + VL) : z1;
        FloatVector c50 = load ? FloatVector.fromArray(S, c, co + 5 * ldc) : z0,
                c51 = load ? FloatVector.fromArray(S, c, co + 5 * ldc + VL) : z1;
        FloatVector c60 = load ? FloatVector.fromArray(S, c, co + 6 * ldc) : z0,
                c61 = load ? FloatVector.fromArray(S, c, co + 6 * ldc + VL) : z1;
        FloatVector c70 = load ? FloatVector.fromArray(S, c, co + 7 * ldc) : z0,
                c71 = load ? FloatVector.fromArray(S, c, co + 7 * ldc + VL) : z1;
        FloatVector c80 = load ? FloatVector.fromArray(S, c, co + 8 * ldc) : z0,
                c81 = load ? FloatVector.fromArray(S, c, co + 8 * ldc + VL) : z1;
        FloatVector c90 = load ? FloatVector.fromArray(S, c, co + 9 * ldc) : z0,
                c91 = load ? FloatVector.fromArray(S, c, co + 9 * ldc + VL) : z1;
        FloatVector c100 = load ? FloatVector.fromArray(S, c, co + 10 * ldc) : z0,
                c101 = load ? FloatVector.fromArray(S, c, co + 10 * ldc + VL) : z1;
        FloatVector c110 = load ? FloatVector.fromArray(S, c, co + 11 * ldc) : z0,
                c111 = load ? FloatVector.fromArray(S, c, co + 11 * ldc + VL) : z1;
        for (int p = 0; p < kc; p++, ao++, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo), b1 = FloatVector.fromArray(S, bp, bo + VL);
            FloatVector a0 = FloatVector.broadcast(S, ap[ao]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ao + r1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ao + r2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ao + r3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ao + r4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ao + r5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[ao + r6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[ao + r7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(S, ap[ao + r8]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
            FloatVector a9 = FloatVector.broadcast(S, ap[ao + r9]);
            c90 = a9.fma(b0, c90);
            c91 = a9.fma(b1, c91);
            FloatVector a10 = FloatVector.broadcast(S, ap[ao + r10]);
            c100 = a10.fma(b0, c100);
            c101 = a10.fma(b1, c101);
            FloatVector a11 = FloatVector.broadcast(S, ap[ao + r11]);
            c110 = a11.fma(b0, c110);
            c111 = a11.fma(b1, c111);
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + VL);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + VL);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + VL);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + VL);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + VL);
        c50.intoArray(c, co + 5 * ldc);
        c51.intoArray(c, co + 5 * ldc + VL);
        c60.intoArray(c, co + 6 * ldc);
        c61.intoArray(c, co + 6 * ldc + VL);
        c70.intoArray(c, co + 7 * ldc);
        c71.intoArray(c, co + 7 * ldc + VL);
        c80.intoArray(c, co + 8 * ldc);
        c81.intoArray(c, co + 8 * ldc + VL);
        c90.intoArray(c, co + 9 * ldc);
        c91.intoArray(c, co + 9 * ldc + VL);
        c100.intoArray(c, co + 10 * ldc);
        c101.intoArray(c, co + 10 * ldc + VL);
        c110.intoArray(c, co + 11 * ldc);
        c111.intoArray(c, co + 11 * ldc + VL);
    }
}
