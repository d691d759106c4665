package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.Gemm.NR;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * B(:, jc .. jc+nc) packed just in time into bp as K blocks of kcMax rows (the block at row pc
 * starts at pc * panels * NR), so a block is still in cache when it is first read. Each K block is
 * cut into {@code parts} panel ranges (one per thread, or one per N chunk when the tasks split N);
 * a task needing some panels packs the ranges nobody has claimed and then waits (briefly: a claimed
 * range is being packed by a running thread, unless the machine is oversubscribed: then it yields) for the
 * ranges others claimed.
 */
final class SharedPackedB {
    private static final int FREE = 0, PACKING = 1, PACKED = 2;
    /**
     * Spins (some ten microseconds) before a waiting thread yields its core: on a machine with as many busy
     * threads as cores (a training run's loaders beside the compute threads) the thread packing the
     * awaited range may have been descheduled, and spinning on would only keep it off the core.
     */
    private static final int SPINS_BEFORE_YIELD = 1 << 10;

    private final boolean transB;
    private final float[] b, bp;
    private final int bOff, ldb, k, kcMax, jc, nc, panels, parts;
    /** state[kb * parts + part]: FREE, PACKING or PACKED. */
    private final AtomicIntegerArray state;

    SharedPackedB(
            boolean transB, float[] b, int bOff, int ldb, int k, int kcMax, int jc, int nc, float[] bp, int parts) {
        this.transB = transB;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.k = k;
        this.kcMax = kcMax;
        this.jc = jc;
        this.nc = nc;
        this.bp = bp;
        this.panels = Gemm.ceilDiv(nc, NR);
        this.parts = parts;
        this.state = new AtomicIntegerArray(Gemm.ceilDiv(k, kcMax) * parts);
    }

    /** Returns once panels [p0, p1) of K block kb are packed, having packed unclaimed ones here. */
    void await(int kb, int p0, int p1) {
        for (int part = 0; part < parts; part++) {
            int slot = kb * parts + part;
            if (overlaps(part, p0, p1) && state.get(slot) == FREE && state.compareAndSet(slot, FREE, PACKING)) {
                int pc = kb * kcMax, kc = Math.min(kcMax, k - pc);
                GemmPack.packB(
                        transB,
                        b,
                        bOff,
                        ldb,
                        pc,
                        kc,
                        jc,
                        nc,
                        part * panels / parts,
                        (part + 1) * panels / parts,
                        bp,
                        pc * panels * NR);
                state.set(slot, PACKED);
            }
        }
        for (int part = 0; part < parts; part++) {
            if (!overlaps(part, p0, p1)) continue;
            for (int spins = 0; state.get(kb * parts + part) != PACKED; spins++) {
                if (spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
                else Thread.yield();
            }
        }
    }

    private boolean overlaps(int part, int p0, int p1) {
        return part * panels / parts < p1 && (part + 1) * panels / parts > p0;
    }
}
