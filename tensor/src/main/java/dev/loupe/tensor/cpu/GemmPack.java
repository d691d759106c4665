package dev.loupe.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs GEMM operands into the panel layouts the microkernel streams. Packing absorbs the
 * transpositions: the kernel only ever sees A as MR-row panels and B as NR-column panels, each laid
 * out k-major so one k step reads MR (or NR) consecutive floats. Rows or columns past the matrix
 * edge are zero-filled; the tiles they produce are discarded.
 */
final class GemmPack {
    private static final int MR = GemmKernel.MR, NR = GemmKernel.NR;
    private static final VectorSpecies<Float> S = GemmKernel.SPECIES;
    private static final int VL = S.length(); // NR = 2 VL
    /** An A panel row (MR = 12 floats) as an 8-lane and a 4-lane vector. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256, S4 = FloatVector.SPECIES_128;

    private GemmPack() {}

    /**
     * Packs A(i0 .. i0+mc, k0 .. k0+kc) into dst as ceil(mc / MR) panels of (kc, MR); panel q starts
     * at q * MR * kc. A(i, p) is a[aOff + i * lda + p], or a[aOff + p * lda + i] when transA.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int k0, int kc, float[] dst) {
        for (int q = 0, d = 0; q * MR < mc; q++, d += MR * kc) {
            int rows = Math.min(MR, mc - q * MR), i = i0 + q * MR;
            if (transA) {
                // A^T is stored (K, M): the MR values of one k step are adjacent in memory.
                if (rows == MR) {
                    // One k step's 12 values as an 8-lane and a 4-lane move. The scalar copy this replaced
                    // (its constant trip count left to the JIT) took about a fifth of the time of the kernel
                    // reading the panel (one thread, 96 rows, kc 915); whole products with A packed, 2 threads,
                    // interleaved medians of 31: 192 x 768 x 6400 TN 317 -> 339 GFLOP/s, 384 x 1536 x 6304
                    // 356 -> 371, 1024^3 TN 385 -> 400.
                    for (int p = 0, src = aOff + k0 * lda + i, o = d; p < kc; p++, src += lda, o += MR) {
                        FloatVector.fromArray(S8, a, src).intoArray(dst, o);
                        FloatVector.fromArray(S4, a, src + 8).intoArray(dst, o + 8);
                    }
                } else {
                    for (int p = 0, src = aOff + k0 * lda + i, o = d; p < kc; p++, src += lda, o += MR) {
                        for (int r = 0; r < rows; r++) dst[o + r] = a[src + r];
                        for (int r = rows; r < MR; r++) dst[o + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int p = 0, src = aOff + (i + r) * lda + k0, o = d + r; p < kc; p++, o += MR)
                        dst[o] = a[src + p];
                }
                if (rows < MR) {
                    for (int p = 0, o = d; p < kc; p++, o += MR) Arrays.fill(dst, o + rows, o + MR, 0f);
                }
            }
        }
    }

    /**
     * Packs B(k0 .. k0+kc, j0 + panelStart * NR .. j0 + min(nc, panelEnd * NR)) into dst as panels of
     * (kc, NR); panel q starts at dstOff + q * NR * kc. B(p, j) is b[bOff + p * ldb + j], or b[bOff + j * ldb + p]
     * when transB.
     */
    static void packB(
            boolean transB,
            float[] b,
            int bOff,
            int ldb,
            int k0,
            int kc,
            int j0,
            int nc,
            int panelStart,
            int panelEnd,
            float[] dst,
            int dstOff) {
        if (!transB) {
            // Row by row across all panels: each row of B is read once, sequentially. Going panel by
            // panel instead reads 128 bytes per row at a stride of ldb, a fresh page per row for wide B.
            // A panel row is two vector moves: System.arraycopy's stub call per 128 bytes took 2.7% of a
            // ViT-Tiny step's CPU samples.
            int fullEnd = Math.min(panelEnd, nc / NR);
            for (int p = 0; p < kc; p++) {
                int src = bOff + (k0 + p) * ldb + j0;
                for (int q = panelStart, s = src + q * NR, o = dstOff + q * NR * kc + p * NR;
                        q < fullEnd;
                        q++, s += NR, o += NR * kc) {
                    FloatVector.fromArray(S, b, s).intoArray(dst, o);
                    FloatVector.fromArray(S, b, s + VL).intoArray(dst, o + VL);
                }
            }
            for (int q = Math.max(panelStart, fullEnd); q < panelEnd; q++) {
                int cols = nc - q * NR, d = dstOff + q * NR * kc;
                for (int p = 0, src = bOff + k0 * ldb + j0 + q * NR, o = d; p < kc; p++, src += ldb, o += NR) {
                    System.arraycopy(b, src, dst, o, cols);
                    Arrays.fill(dst, o + cols, o + NR, 0f);
                }
            }
            return;
        }
        for (int q = panelStart; q < panelEnd; q++) {
            int cols = Math.min(NR, nc - q * NR), j = j0 + q * NR, d = dstOff + q * NR * kc;
            // B^T is stored (N, K): each column of the panel is a sequential run over k.
            for (int col = 0; col < cols; col++) {
                for (int p = 0, src = bOff + (j + col) * ldb + k0, o = d + col; p < kc; p++, o += NR)
                    dst[o] = b[src + p];
            }
            if (cols < NR) {
                for (int p = 0, o = d; p < kc; p++, o += NR) Arrays.fill(dst, o + cols, o + NR, 0f);
            }
        }
    }
}
