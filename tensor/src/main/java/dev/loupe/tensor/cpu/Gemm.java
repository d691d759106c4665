package dev.loupe.tensor.cpu;

import dev.loupe.tensor.JvmSetting;
import dev.loupe.tensor.Parallel;

/**
 * Single-precision matrix product on heap arrays: C = A.B or C += A.B, with A and/or B read
 * transposed. C is (M, N) row-major with leading dimension ldc; A(i, p) is a[aOff + i * lda + p]
 * (or a[aOff + p * lda + i] when transA); B(p, j) is b[bOff + p * ldb + j] (or b[bOff + j * ldb + p]
 * when transB).
 *
 * <p>Blocking (GotoBLAS order): N in blocks of up to NC columns; each block of B (all of K) is packed
 * once into NR-wide micro-panels split in K blocks of KC rows, just in time and by all threads at once,
 * and shared (see SharedPackedB). Then per M block of up to MC rows and per K block, the A block is
 * packed into MR-row panels (kept in L2), or read in place when C is narrow (see readsAInPlace), and
 * every (KC x NR) B micro-panel (kept near, in L1/L2, across the row tiles) meets every MR-row tile in
 * {@link GemmKernel}. Work is split over M blocks (and over B panels when M is short), and over batch
 * entries, never over K: every C element is the same sequence of fma in k order whatever the thread
 * count or blocking, which also makes it bitwise equal to {@link GemmScalar}.
 *
 * <p>Threading: packing buffers are per thread and reused (the packed B buffer holds up to
 * B_BLOCK_FLOATS), so once a thread has seen its largest problem a call allocates only its packing flags.
 */
public final class Gemm {
    static final int MR = GemmKernel.MR, NR = GemmKernel.NR;
    /**
     * Deepest K block (JVM-wide setting {@code -Dloupe.gemm.kc}, for caches other than Zen 5's 1 MB L2). K is
     * cut into near-equal blocks no deeper than this; C is read and written once per block, and a C tile's
     * rows (ldc apart) come back from memory unprefetched each time. 1024 against 512, four interleaved pairs
     * on an idle Zen 5: 2-thread n = 1024 median 350 against 333 GFLOP/s, n = 2048 level (351-362 against
     * 347-361 in three of four pairs), the ViT-S weight-gradient shape 384 x 1152 x 6304 TN 288 against 278;
     * one thread about 1.05x. A (KC, NR) B micro-panel of up to 128 KB streams from L2 beside the A block:
     * the 12 x 32 kernel measured 208 GFLOP/s on one core with kc = 512 from L2, 225 with kc = 128 from L1.
     */
    static final int KC = kcSetting();
    /** Largest packed A block in floats (480 KB): the (mc, kc) block stays in the 1 MB L2 beside a B micro-panel. */
    static final int A_BLOCK_FLOATS = 120 * 1024;
    /** Largest M block: 240 rows (20 MR-row tiles), fewer when K blocks are deeper than 512 (A_BLOCK_FLOATS). */
    static final int MC = 20 * MR;
    /** Largest N block: B is packed NC columns at a time, all of K, shared by the threads. */
    static final int NC = ((2048 + NR - 1) / NR) * NR;
    /** Cap on one packed B block (k x nc floats, 16 MB): it is read from L3 once per M block. */
    static final int B_BLOCK_FLOATS = 1 << 22;
    /** Fewest MR-row units (96 rows) per M block when splitting finer than one block per thread. */
    private static final int MIN_SPLIT_UNITS = 8;
    /** Widest C whose A is read in place rather than packed (see readsAInPlace). */
    static final int IN_PLACE_A_MAX_N = 512;
    /** Widest C whose transposed A is read in place (see readsAInPlace). */
    static final int IN_PLACE_TRANSPOSED_A_MAX_N = 384;
    /** Below this many flops a problem runs on the calling thread: forking costs more than it saves. */
    private static final long PARALLEL_FLOPS = 1L << 21;

    /** Per-thread scratch: the packed A block, the packed B block this thread owns, one edge tile. */
    private static final class Workspace {
        float[] packA = new float[0];
        float[] packB = new float[0];
        final float[] tile = new float[MR * NR];
        /** An edge tile's bias columns, zero past the matrix (the kernel reads NR). */
        final float[] initTile = new float[NR];

        float[] packA(int size) {
            if (packA.length < size) packA = new float[size];
            return packA;
        }

        float[] packB(int size) {
            if (packB.length < size) packB = new float[size];
            return packB;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Gemm() {}

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
        single(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * C = bias + A.B with bias (n floats at biasOff) added to every row: each C element's fma chain
     * starts from its bias value, as BLAS's beta = 1 over a bias-filled C would (a linear layer's
     * product in one pass over C).
     */
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
        biasProduct(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, bias, biasOff, null);
    }

    /** gemmBias, arguments checked, with each thread's finished C block passed to {@code epilogue} (null: none). */
    static void biasProduct(
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
            GemmEpilogue epilogue) {
        if (k == 0) {
            for (int i = 0; i < m; i++) System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
            if (epilogue != null) epilogue.apply(cOff, ldc, m, n);
            return;
        }
        single(
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
                readsAInPlace(transA, n),
                bias,
                biasOff,
                epilogue);
    }

    /**
     * {@code batch} independent products with the same shapes and leading dimensions; entry e uses
     * offsets aOffs[e], bOffs[e], cOffs[e]. A and B offsets may repeat (broadcast operands); C
     * offsets must not overlap.
     */
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
        for (int e = 0; e < batch; e++)
            GemmArgs.checkArgs(transA, transB, m, n, k, a, aOffs[e], lda, b, bOffs[e], ldb, c, cOffs[e], ldc);
        long flops = 2L * m * n * k;
        int threads = Parallel.threads();
        boolean perEntry =
                batch >= 2 * threads || (batch >= threads && flops < 8 * PARALLEL_FLOPS) || flops < PARALLEL_FLOPS;
        if (threads == 1 || batch == 1 || !perEntry) {
            for (int e = 0; e < batch; e++) {
                single(transA, transB, m, n, k, a, aOffs[e], lda, b, bOffs[e], ldb, c, cOffs[e], ldc, accumulate);
            }
            return;
        }
        // Inside a pool task the inner product runs on that worker alone (Parallel runs nested work inline).
        int grain = (int) Math.max(1, Math.min(batch, PARALLEL_FLOPS / Math.max(1, flops)));
        Parallel.forRange(batch, grain, (s, e) -> {
            for (int i = s; i < e; i++) {
                single(transA, transB, m, n, k, a, aOffs[i], lda, b, bOffs[i], ldb, c, cOffs[i], ldc, accumulate);
            }
        });
    }

    private static void single(
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
        single(
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
                accumulate,
                readsAInPlace(transA, n),
                null,
                0,
                null);
    }

    /**
     * Whether A is read where it lies instead of being packed. Packing costs one pass over A per N
     * block and is repaid only over the ceil(n / NR) B panels that reuse it: for the narrow products
     * of a ViT (n = 192 .. 576) it took a quarter of the time. Row-major A read in place (MR
     * sequential row streams) runs the kernel at the packed speed or better. A power-of-two row stride
     * was packed until 2026-12-06 (the MR streams share L1 sets); on the present kernel in place is faster
     * there too: 1.06-1.46x at n = 64 .. 256 (k = 64 .. 4096, 2 threads, idle Zen 5), 1.04x at 512 x 512 x 512,
     * 0.98-1.02x at n = 384 .. 512 with k = 128 (the forced layouts of gemm below, interleaved, best of 35). Wide
     * products keep the packed block, whose single stream is kinder to the TLB.
     *
     * <p>A transposed A (the weight gradients X^T dY, k = B T) is read in place up to n = 384: each k step's
     * MR values are adjacent, as in a packed panel, only lda apart instead of MR, and packing it was a
     * separate pass over A bound by memory (12% of the CPU samples of 576 x 192 x 6400 TN). Interleaved
     * medians of 41, 2 threads, a busy Zen 5: 576 x 192 x 6400 272 against 243 GFLOP/s, 192 x 192 x 6400 289
     * against 258, 768 x 192 x 6400 235 against 212, 1152 x 384 x 6304 265 against 248, 384 x 384 x 6304 249
     * against 241; 512 x 512 x 512 261 against 280 in one run and level in another, 1024 x 1024 x 1024 314 against
     * 355, so wider products stay packed.
     */
    static boolean readsAInPlace(boolean transA, int n) {
        return n <= (transA ? IN_PLACE_TRANSPOSED_A_MAX_N : IN_PLACE_A_MAX_N);
    }

    /** {@link #gemm} with the A layout forced (tests cover both paths on every shape). */
    static void gemm(
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
            boolean accumulate,
            boolean aInPlace) {
        GemmArgs.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        single(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, aInPlace, null, 0, null);
    }

    static void single(
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
            boolean accumulate,
            boolean aInPlace,
            float[] bias,
            int biasOff,
            GemmEpilogue epilogue) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        int threads = 2L * m * n * k < PARALLEL_FLOPS ? 1 : Parallel.threads();
        // Balanced blocks: K split into near-equal parts no larger than KC; N into parts no wider than
        // NC whose whole packed B (k x nc) fits B_BLOCK_FLOATS.
        int kBlocks = ceilDiv(k, KC), kcMax = ceilDiv(k, kBlocks);
        int ncCap = Math.max(NR, Math.min(NC, B_BLOCK_FLOATS / k / NR * NR));
        int nBlocks = ceilDiv(n, ncCap), ncMax = roundUp(ceilDiv(n, nBlocks), NR);
        // M is split in MR-row units; blocks get near-equal unit counts, at least one per thread, and two
        // per thread when blocks still hold MIN_SPLIT_UNITS units (a thread slowed by a neighbour on its
        // core then holds up less; smaller blocks would reuse each B micro-panel too few times).
        int units = ceilDiv(m, MR);
        int perThread = threads > 1 && units >= 2 * threads * MIN_SPLIT_UNITS ? 2 : 1;
        int mcUnits = Math.max(1, Math.min(MC, A_BLOCK_FLOATS / kcMax) / MR);
        int mBlocks = Math.max(ceilDiv(units, mcUnits), Math.min(units, perThread * threads));
        if (threads > 1 && mBlocks % threads != 0 && roundUp(mBlocks, threads) <= units)
            mBlocks = roundUp(mBlocks, threads);
        int mBlocksF = mBlocks;
        float[] bp = WORKSPACE.get().packB(k * ncMax);
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc), panels = ceilDiv(nc, NR), jcF = jc;
            // Fewer M blocks than threads (M <= MR * threads): the B panels are cut in chunks too, and each
            // task packs its own copy of its (small) A block.
            int nChunks = mBlocks < threads ? Math.min(panels, ceilDiv(2 * threads, mBlocks)) : 1;
            SharedPackedB packedB = new SharedPackedB(
                    transB, b, bOff, ldb, k, kcMax, jc, nc, bp, nChunks > 1 ? nChunks : Math.min(panels, threads));
            int tasks = mBlocksF * nChunks;
            Parallel.forRange(tasks, threads == 1 ? tasks : 1, (s, e) -> {
                Workspace w = WORKSPACE.get();
                for (int t = s; t < e; t++) {
                    int mb = t / nChunks, ch = t % nChunks;
                    int i0 = (int) ((long) mb * units / mBlocksF) * MR;
                    int mc = Math.min(m, (int) ((long) (mb + 1) * units / mBlocksF) * MR) - i0;
                    int p0 = ch * panels / nChunks, p1 = (ch + 1) * panels / nChunks;
                    for (int pc = 0; pc < k; pc += kcMax) {
                        int kc = Math.min(kcMax, k - pc), bpOff = pc * panels * NR;
                        packedB.await(pc / kcMax, p0, p1);
                        boolean load = accumulate || pc > 0;
                        float[] init = load ? null : bias;
                        int e0 = i0, edgeRows = mc;
                        if (aInPlace) {
                            // Full MR-row tiles read A(i0 .., pc ..) in place: row stride lda and k stride 1,
                            // or for a transposed A row stride 1 and k stride lda; a last partial tile is
                            // packed with zero rows so the kernel reads no further.
                            int full = mc / MR * MR;
                            macro(
                                    w,
                                    a,
                                    transA ? aOff + pc * lda + i0 : aOff + i0 * lda + pc,
                                    transA ? 1 : lda,
                                    transA ? lda : 1,
                                    transA ? MR : MR * lda,
                                    bp,
                                    bpOff,
                                    i0,
                                    full,
                                    jcF,
                                    nc,
                                    kc,
                                    p0,
                                    p1,
                                    c,
                                    cOff,
                                    ldc,
                                    load,
                                    init,
                                    biasOff);
                            if (full == mc) continue;
                            e0 = i0 + full;
                            edgeRows = mc - full;
                        }
                        // Packed A: the whole block, or the in-place path's partial last tile.
                        float[] ap = w.packA(roundUp(edgeRows, MR) * kc);
                        GemmPack.packA(transA, a, aOff, lda, e0, edgeRows, pc, kc, ap);
                        macro(
                                w, ap, 0, 1, MR, MR * kc, bp, bpOff, e0, edgeRows, jcF, nc, kc, p0, p1, c, cOff, ldc,
                                load, init, biasOff);
                    }
                    if (epilogue != null) {
                        // this task's C block is final: (mc, its panels' columns), still in L2
                        int c0 = jcF + p0 * NR, c1 = jcF + Math.min(p1 * NR, nc);
                        epilogue.apply(cOff + i0 * ldc + c0, ldc, mc, c1 - c0);
                    }
                }
            });
        }
    }

    /**
     * C(i0 .. i0+mc, jc + panels [p0, p1)) (+ init(jc ..) on every row when not loading C) from an A
     * block and the packed B block at bpOff (panel q at bpOff + q * NR * kc). Tile t of A starts at
     * aBase + t * tileStep and holds A(i0 + r, pc + p) = a[aBase + r * rowStride + p * kStride]: a packed
     * (kc, MR) panel (row stride 1, k stride MR), rows read in place (lda, 1), or the columns of a
     * transposed A read in place (1, lda). Full tiles go straight to C; edge tiles go through the
     * workspace tile so the kernel never writes past the matrix.
     */
    private static void macro(
            Workspace w,
            float[] a,
            int aBase,
            int rowStride,
            int kStride,
            int tileStep,
            float[] bp,
            int bpOff,
            int i0,
            int mc,
            int jc,
            int nc,
            int kc,
            int p0,
            int p1,
            float[] c,
            int cOff,
            int ldc,
            boolean load,
            float[] init,
            int initOff) {
        float[] tile = w.tile;
        for (int q = p0; q < p1; q++) {
            int cols = Math.min(NR, nc - q * NR), bo = bpOff + q * NR * kc;
            for (int ir = 0, ao = aBase; ir < mc; ir += MR, ao += tileStep) {
                int rows = Math.min(MR, mc - ir);
                int co = cOff + (i0 + ir) * ldc + jc + q * NR;
                if (rows == MR && cols == NR) {
                    if (rowStride == 1)
                        GemmKernel.tile(a, ao, kStride, bp, bo, kc, c, co, ldc, load, init, initOff + jc + q * NR);
                    else
                        GemmKernel.tileRows(
                                a, ao, rowStride, bp, bo, kc, c, co, ldc, load, init, initOff + jc + q * NR);
                } else {
                    if (load) {
                        for (int r = 0; r < rows; r++) System.arraycopy(c, co + r * ldc, tile, r * NR, cols);
                    }
                    float[] edgeInit = null;
                    if (init != null) {
                        edgeInit = w.initTile;
                        System.arraycopy(init, initOff + jc + q * NR, edgeInit, 0, cols);
                    }
                    if (rowStride == 1) GemmKernel.tile(a, ao, kStride, bp, bo, kc, tile, 0, NR, load, edgeInit, 0);
                    else GemmKernel.tileRows(a, ao, rowStride, bp, bo, kc, tile, 0, NR, load, edgeInit, 0);
                    for (int r = 0; r < rows; r++) System.arraycopy(tile, r * NR, c, co + r * ldc, cols);
                }
            }
        }
    }

    private static int kcSetting() {
        return (int) JvmSetting.wholeNumber("loupe.gemm.kc", 1024, 16);
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }
}
