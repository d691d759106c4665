package dev.loupe.tensor.cpu;

import dev.loupe.tensor.Parallel;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Single-precision matrix product on heap arrays: C = A.B or C += A.B, with A and/or B read
 * transposed. C is (M, N) row-major with leading dimension ldc; A(i, p) is a[aOff + i * lda + p]
 * (or a[aOff + p * lda + i] when transA); B(p, j) is b[bOff + p * ldb + j] (or b[bOff + j * ldb + p]
 * when transB).
 *
 * <p>Blocking (GotoBLAS order): N in blocks of up to NC columns; each block of B (all of K) is packed
 * once into NR-wide micro-panels split in K blocks of KC rows, shared by the threads (the first task to
 * need a K block packs it). Then per M block
 * of up to MC rows and per K block, the A block is packed into MR-row panels (kept in L2) and every
 * (KC x NR) B micro-panel (kept in L1 across the row tiles) meets every MR-row tile in
 * {@link GemmKernel}. Work is split over M blocks (and over B panels when M is short), and over batch
 * entries, never over K: every C element is the same sequence of fma in k order whatever the thread
 * count or blocking, which also makes it bitwise equal to {@link GemmScalar}.
 *
 * <p>Threading: packing buffers are per thread and reused (the packed B buffer holds up to
 * B_BLOCK_FLOATS), so a call allocates no arrays once a thread has seen its largest problem.
 */
public final class Gemm {
    static final int MR = GemmKernel.MR, NR = GemmKernel.NR;
    /** K block: a (KC, NR) B micro-panel of 32 KB fits the 48 KB L1 beside the A stream. */
    static final int KC = 256;
    /** Largest M block: a (MC, KC) packed A block of 240 KB sits in the 1 MB L2. */
    static final int MC = 20 * MR;
    /** Largest N block: B is packed NC columns at a time, all of K, shared by the threads. */
    static final int NC = ((2048 + NR - 1) / NR) * NR;
    /** Cap on one packed B block (k x nc floats, 16 MB): it is read from L3 once per M block. */
    static final int B_BLOCK_FLOATS = 1 << 22;
    /** Fewest MR-row units (96 rows) per M block when splitting finer than one block per thread. */
    private static final int MIN_SPLIT_UNITS = 8;
    /** Below this many flops a problem runs on the calling thread: forking costs more than it saves. */
    private static final long PARALLEL_FLOPS = 1L << 21;

    /** Per-thread scratch: the packed A block, the packed B block this thread owns, one edge tile. */
    private static final class Workspace {
        float[] packA = new float[0];
        float[] packB = new float[0];
        final float[] tile = new float[MR * NR];

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
    public static void gemm(boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        single(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * {@code batch} independent products with the same shapes and leading dimensions; entry e uses
     * offsets aOffs[e], bOffs[e], cOffs[e]. A and B offsets may repeat (broadcast operands); C
     * offsets must not overlap.
     */
    public static void gemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                                   float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                                   float[] c, int[] cOffs, int ldc, boolean accumulate) {
        checkBatch(batch, aOffs, bOffs, cOffs);
        for (int e = 0; e < batch; e++) checkArgs(transA, transB, m, n, k, a, aOffs[e], lda, b, bOffs[e], ldb, c, cOffs[e], ldc);
        long flops = 2L * m * n * k;
        int threads = Parallel.threads();
        boolean perEntry = batch >= 2 * threads || (batch >= threads && flops < 8 * PARALLEL_FLOPS) || flops < PARALLEL_FLOPS;
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

    private static void single(boolean transA, boolean transB, int m, int n, int k,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate) {
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
        int mBlocks = Math.max(ceilDiv(units, MC / MR), Math.min(units, perThread * threads));
        if (threads > 1 && mBlocks % threads != 0 && roundUp(mBlocks, threads) <= units) mBlocks = roundUp(mBlocks, threads);
        int mBlocksF = mBlocks;
        float[] bp = WORKSPACE.get().packB(k * ncMax);
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc), panels = ceilDiv(nc, NR), jcF = jc;
            // B(:, jc .. jc+nc) is packed K block by K block by whichever task needs a block first (the
            // others wait on the lock), so a call forks once per N block and packing overlaps compute.
            // The K block starting at row pc sits at pc * panels * NR.
            AtomicIntegerArray packed = new AtomicIntegerArray(kBlocks);
            // Fewer M blocks than threads (M <= MR * threads): split the B panels too; each chunk packs
            // its own copy of the (small) A block.
            int nChunks = mBlocks < threads ? Math.min(panels, ceilDiv(2 * threads, mBlocks)) : 1;
            int tasks = mBlocksF * nChunks;
            Parallel.forRange(tasks, threads == 1 ? tasks : 1, (s, e) -> {
                Workspace w = WORKSPACE.get();
                for (int t = s; t < e; t++) {
                    int mb = t / nChunks, ch = t % nChunks;
                    int i0 = (int) ((long) mb * units / mBlocksF) * MR;
                    int i1 = Math.min(m, (int) ((long) (mb + 1) * units / mBlocksF) * MR);
                    for (int pc = 0; pc < k; pc += kcMax) {
                        int kc = Math.min(kcMax, k - pc);
                        if (packed.get(pc / kcMax) == 0) packB(packed, pc / kcMax, transB, b, bOff, ldb, pc, kc, jcF, nc, bp);
                        float[] ap = w.packA(roundUp(i1 - i0, MR) * kc);
                        GemmPack.packA(transA, a, aOff, lda, i0, i1 - i0, pc, kc, ap);
                        macro(w, ap, bp, pc * panels * NR, i0, i1 - i0, jcF, nc, kc,
                                ch * panels / nChunks, (ch + 1) * panels / nChunks, c, cOff, ldc, accumulate || pc > 0);
                    }
                }
            });
        }
    }

    /** Packs K block kb of B(:, jc .. jc+nc) unless another task has; the flag publishes the panels. */
    private static void packB(AtomicIntegerArray packed, int kb, boolean transB, float[] b, int bOff, int ldb,
                              int pc, int kc, int jc, int nc, float[] bp) {
        synchronized (packed) {
            if (packed.get(kb) != 0) return;
            int panels = ceilDiv(nc, NR);
            GemmPack.packB(transB, b, bOff, ldb, pc, kc, jc, nc, 0, panels, bp, pc * panels * NR);
            packed.set(kb, 1);
        }
    }

    /**
     * C(i0 .. i0+mc, jc + panels [p0, p1)) from a packed A block (mc rows) and the packed B block at
     * bpOff (panel q at bpOff + q * NR * kc). Full tiles go straight to C; edge tiles go through the
     * workspace tile so the kernel never writes past the matrix.
     */
    private static void macro(Workspace w, float[] ap, float[] bp, int bpOff, int i0, int mc, int jc, int nc, int kc,
                              int p0, int p1, float[] c, int cOff, int ldc, boolean load) {
        float[] tile = w.tile;
        for (int q = p0; q < p1; q++) {
            int cols = Math.min(NR, nc - q * NR), bo = bpOff + q * NR * kc;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir), ao = ir * kc;
                int co = cOff + (i0 + ir) * ldc + jc + q * NR;
                if (rows == MR && cols == NR) {
                    GemmKernel.tile(ap, ao, bp, bo, kc, c, co, ldc, load);
                } else {
                    if (load) {
                        for (int r = 0; r < rows; r++) System.arraycopy(c, co + r * ldc, tile, r * NR, cols);
                    }
                    GemmKernel.tile(ap, ao, bp, bo, kc, tile, 0, NR, load);
                    for (int r = 0; r < rows; r++) System.arraycopy(tile, r * NR, c, co + r * ldc, cols);
                }
            }
        }
    }

    /** Checks dimensions, leading dimensions and that every element read or written is in its array. */
    static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (lda < 0 || ldb < 0 || ldc < 0) {
            throw new IllegalArgumentException("gemm: negative leading dimension lda=" + lda + " ldb=" + ldb + " ldc=" + ldc);
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
            throw new IllegalArgumentException("gemm: batch " + batch + " needs that many offsets, got "
                    + aOffs.length + ", " + bOffs.length + ", " + cOffs.length);
        }
    }

    private static void checkSpan(String name, int length, int off, int rows, int cols, int ld) {
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= length) {
            throw new IndexOutOfBoundsException("gemm: " + name + " (" + rows + ", " + cols + ") with leading dimension " + ld
                    + " at offset " + off + " reaches element " + last + " of an array of " + length);
        }
    }

    private static int ceilDiv(int x, int y) { return (x + y - 1) / y; }

    private static int roundUp(int x, int y) { return ceilDiv(x, y) * y; }
}
