package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.ReduceOp;
import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SUM / MEAN / MAX / MIN over any set of dims, and argmax / argmin. The input is made contiguous and
 * described by a {@link ReduceLayout}; work is split over outputs only, and each output's elements
 * are combined in one fixed order, so results do not depend on the thread count. F32 accumulates
 * in float, as torch does. MAX and MIN propagate NaN (Math.max / Math.min).
 *
 * <p>F32 vector kernels: a reduced innermost run is summed in lanes (vector accumulators, one
 * horizontal reduction per output); a kept innermost dim is combined across outputs, one vector of
 * adjacent outputs at a time, in the same order as the scalar twin (so those agree bitwise).
 */
final class CpuReductions {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();
    /** The most adjacent outputs one work item handles when the innermost dim is kept (4 KiB). */
    private static final int COLUMN_BLOCK = 1024;
    /** Kept-inner reductions combine blocks of at least this many slices, then the blocks in order. */
    private static final int ROW_BLOCK = 256, MAX_ROW_BLOCKS = 64;

    private CpuReductions() {}

    static void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        reduce(op, x, dims, out, KernelMode.SCALAR);
    }

    static void argReduce(boolean max, Tensor x, int dim, Tensor out) {
        ArgReduce.argReduce(max, x, dim, out);
    }

    static void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out, boolean scalar) {
        int[] kept = x.sizes();
        for (int d : dims) kept[d] = 1;
        if (!Shape.of(kept).equals(out.shape()) || out.dtype() != x.dtype()) {
            throw new IllegalArgumentException(
                    op.name().toLowerCase() + ": output " + out.shape() + " " + out.dtype() + " does not fit input "
                            + x.shape() + " " + x.dtype() + " reduced over " + java.util.Arrays.toString(dims));
        }
        if (out.numel() == 0) return;
        if (x.numel() == 0) {
            if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                throw new IllegalArgumentException(
                        op.name().toLowerCase() + ": cannot reduce an empty tensor of shape " + x.shape());
            }
            out.fill(op == ReduceOp.SUM ? 0 : Double.NaN); // the mean of nothing is NaN, as in torch
            return;
        }
        Tensor xc = x.contiguous();
        Tensor oc = out.isContiguous() ? out : Tensor.emptyLike(out, out.dtype(), out.sizes());
        ReduceLayout lay = ReduceLayout.of(xc.sizes(), dims);
        CpuStorage xs = CpuElementwise.host(xc), os = CpuElementwise.host(oc);
        int xo = xc.offset(), oo = oc.offset();
        switch (x.dtype()) {
            case F32 -> {
                float[] xa = xs.f32(), oa = os.f32();
                if (scalar) ReduceScalar.f32(op, lay, xa, xo, oa, oo);
                else if (lay.innerReduced) innerRuns(op, lay, xa, xo, oa, oo);
                else acrossOutputs(op, lay, xa, xo, oa, oo);
            }
            case F64 -> ReduceScalar.f64(op, lay, xs.f64(), xo, os.f64(), oo);
            case I32, I64, BOOL -> ReduceScalar.integer(op, lay, xs, xo, os, oo);
        }
        if (oc != out) out.copyFrom(oc);
    }

    /** Each output reduces contiguous runs: lanes accumulate, one horizontal reduction at the end. */
    private static void innerRuns(ReduceOp op, ReduceLayout lay, float[] x, int xo, float[] o, int oo) {
        int n = lay.inner;
        int grain = Math.max(1, 32768 / Math.max(1, lay.count));
        Parallel.forRange(lay.rows, grain, (start, end) -> {
            for (int r = start; r < end; r++) {
                int base = xo + lay.base(r);
                float v =
                        switch (op) {
                            case SUM -> sumRuns(x, base, lay.offsets, n);
                            case MEAN -> sumRuns(x, base, lay.offsets, n) / lay.count;
                            case MAX -> extremeRuns(x, base, lay.offsets, n, true);
                            case MIN -> extremeRuns(x, base, lay.offsets, n, false);
                        };
                o[oo + r] = v;
            }
        });
    }

    // Two accumulators hide the add latency on rows that sit in L1 (softmax-sized rows).
    private static float sumRuns(float[] x, int base, int[] offsets, int n) {
        FloatVector a0 = FloatVector.zero(SPECIES), a1 = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(n), bound2 = n - n % (2 * L);
        for (int off : offsets) {
            int p = base + off, i = 0;
            for (; i < bound2; i += 2 * L) {
                a0 = a0.add(FloatVector.fromArray(SPECIES, x, p + i));
                a1 = a1.add(FloatVector.fromArray(SPECIES, x, p + i + L));
            }
            for (; i < bound; i += L) a0 = a0.add(FloatVector.fromArray(SPECIES, x, p + i));
            if (i < n) {
                VectorMask<Float> m = SPECIES.indexInRange(i, n);
                a1 = a1.add(FloatVector.fromArray(SPECIES, x, p + i, m), m);
            }
        }
        return Lanes.sum(a0.add(a1));
    }

    private static float extremeRuns(float[] x, int base, int[] offsets, int n, boolean max) {
        FloatVector acc = FloatVector.broadcast(SPECIES, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        VectorOperators.Binary f = max ? VectorOperators.MAX : VectorOperators.MIN;
        int bound = SPECIES.loopBound(n);
        for (int off : offsets) {
            int p = base + off, i = 0;
            if (max) {
                for (; i < bound; i += L) acc = acc.max(FloatVector.fromArray(SPECIES, x, p + i));
            } else {
                for (; i < bound; i += L) acc = acc.min(FloatVector.fromArray(SPECIES, x, p + i));
            }
            if (i < n) {
                VectorMask<Float> m = SPECIES.indexInRange(i, n);
                acc = acc.lanewise(f, FloatVector.fromArray(SPECIES, x, p + i, m), m);
            }
        }
        return max ? acc.reduceLanes(VectorOperators.MAX) : acc.reduceLanes(VectorOperators.MIN);
    }

    /**
     * The innermost dim is kept: outputs o[j..j+L) combine the slices x[base + off + j ..] for each
     * reduced offset. Work items are (output row, block of up to COLUMN_BLOCK outputs, block of
     * {@link #rowBlock} offsets): each item streams whole contiguous slices and combines them in
     * order into its own buffer, and the block partials are then combined in block order. The blocks
     * depend on the shape only, so the bits do not depend on the thread count, and the scalar twin
     * combines in the same blocked order. A bias gradient, the column sums of (6400, 192), is 25
     * items of 256 rows (it was one item on one core).
     */
    private static void acrossOutputs(ReduceOp op, ReduceLayout lay, float[] x, int xo, float[] o, int oo) {
        int n = lay.inner, k = lay.offsets.length;
        int rb = rowBlock(k), rowBlocks = (k + rb - 1) / rb;
        int colBlocks = (n + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        int pairs = (rowBlocks + 1) / 2; // a work item streams two blocks at once: two read streams
        int items = lay.rows * colBlocks * pairs;
        // a chunk streams at least 1 MiB: below that a second core's wake-up costs more than it saves
        int grain = Math.max(1, (1 << 18) / Math.max(1, 2 * Math.min(k, rb) * Math.min(n, COLUMN_BLOCK)));
        int[] offsets = lay.offsets;
        // partials: (rows, rowBlocks, n); none when every output is one block
        float[] part = rowBlocks == 1 ? null : new float[lay.rows * rowBlocks * n];
        Parallel.forRange(items, grain, (start, end) -> {
            float[] acc = new float[Math.min(n, COLUMN_BLOCK)], acc2 = new float[acc.length];
            for (int it = start; it < end; it++) {
                int pair = it % pairs, cb = (it / pairs) % colBlocks, r = it / pairs / colBlocks;
                int from = cb * COLUMN_BLOCK, w = Math.min(n, from + COLUMN_BLOCK) - from;
                int base = xo + lay.base(r) + from, blk = 2 * pair, k0 = blk * rb, k1 = Math.min(k, k0 + rb);
                System.arraycopy(x, base + offsets[k0], acc, 0, w);
                if (blk + 1 < rowBlocks && (op == ReduceOp.SUM || op == ReduceOp.MEAN)) {
                    int k2 = k1 + rb < k ? k1 + rb : k; // the second block: [k1, k2), never longer than the first
                    System.arraycopy(x, base + offsets[k1], acc2, 0, w);
                    addSlicePairs(acc, acc2, x, base, offsets, k0 + 1, k1 + 1, k2 - k1 - 1, w);
                    addSlices(acc, x, base, offsets, k0 + k2 - k1, k1, w);
                    store(op, lay.count, acc2, w, o, oo + r * n + from, part, (r * rowBlocks + blk + 1) * n + from);
                } else {
                    for (int b = blk; b < Math.min(rowBlocks, blk + 2); b++) {
                        int j0 = b * rb, j1 = Math.min(k, j0 + rb);
                        float[] a = b == blk ? acc : acc2;
                        if (b > blk) System.arraycopy(x, base + offsets[j0], a, 0, w);
                        if (op == ReduceOp.SUM || op == ReduceOp.MEAN) addSlices(a, x, base, offsets, j0 + 1, j1, w);
                        else for (int j = j0 + 1; j < j1; j++) combine(op, a, 0, x, base + offsets[j], w);
                        if (b > blk)
                            store(op, lay.count, a, w, o, oo + r * n + from, part, (r * rowBlocks + b) * n + from);
                    }
                }
                store(op, lay.count, acc, w, o, oo + r * n + from, part, (r * rowBlocks + blk) * n + from);
            }
        });
        if (part == null) return;
        Parallel.forRange(lay.rows * colBlocks, 1, (start, end) -> {
            float[] acc = new float[Math.min(n, COLUMN_BLOCK)];
            for (int it = start; it < end; it++) {
                int cb = it % colBlocks, r = it / colBlocks;
                int from = cb * COLUMN_BLOCK, w = Math.min(n, from + COLUMN_BLOCK) - from;
                int p0 = r * rowBlocks * n + from;
                System.arraycopy(part, p0, acc, 0, w);
                for (int b = 1; b < rowBlocks; b++) combine(op, acc, 0, part, p0 + b * n, w);
                finish(op, lay.count, acc, w, o, oo + r * n + from);
            }
        });
    }

    /**
     * Offsets per block of a kept-inner reduction over {@code k} offsets: 256 slices (a (256, 192)
     * block is 192 KiB, an L2-sized stream), more for very long reductions so there are at most 64
     * blocks and the partials stay small. A function of k alone: the summation order is fixed.
     */
    static int rowBlock(int k) {
        return Math.max(ROW_BLOCK, (k + MAX_ROW_BLOCKS - 1) / MAX_ROW_BLOCKS);
    }

    /**
     * acc[0..w) += x[base + offsets[j] ..] for j in [k0, k1), in order: the SUM of {@link #combine}
     * with the loop over slices inside, one call per block rather than one per slice (192-wide slices
     * are 12 vectors, and a call per slice cost about 10% of a (6400, 192) column sum).
     */
    private static void addSlices(float[] acc, float[] x, int base, int[] offsets, int k0, int k1, int w) {
        int bound = SPECIES.loopBound(w);
        for (int j = k0; j < k1; j++) {
            int p = base + offsets[j], i = 0;
            for (; i < bound; i += L) {
                FloatVector.fromArray(SPECIES, acc, i)
                        .add(FloatVector.fromArray(SPECIES, x, p + i))
                        .intoArray(acc, i);
            }
            if (i < w) {
                VectorMask<Float> m = SPECIES.indexInRange(i, w);
                FloatVector.fromArray(SPECIES, acc, i, m)
                        .add(FloatVector.fromArray(SPECIES, x, p + i, m))
                        .intoArray(acc, i, m);
            }
        }
    }

    /**
     * Two blocks at once, slice by slice: a[0..w) += x[base + offsets[ja + t] ..] and
     * b[0..w) += x[base + offsets[jb + t] ..] for t in [0, count). Each accumulator sees its own
     * slices in order (the bits of two {@link #addSlices} calls); the two read streams keep more
     * cache-line fills in flight than one.
     */
    private static void addSlicePairs(
            float[] a, float[] b, float[] x, int base, int[] offsets, int ja, int jb, int count, int w) {
        int bound = SPECIES.loopBound(w);
        for (int t = 0; t < count; t++) {
            int p = base + offsets[ja + t], q = base + offsets[jb + t], i = 0;
            for (; i < bound; i += L) {
                FloatVector.fromArray(SPECIES, a, i)
                        .add(FloatVector.fromArray(SPECIES, x, p + i))
                        .intoArray(a, i);
                FloatVector.fromArray(SPECIES, b, i)
                        .add(FloatVector.fromArray(SPECIES, x, q + i))
                        .intoArray(b, i);
            }
            if (i < w) {
                VectorMask<Float> m = SPECIES.indexInRange(i, w);
                FloatVector.fromArray(SPECIES, a, i, m)
                        .add(FloatVector.fromArray(SPECIES, x, p + i, m))
                        .intoArray(a, i, m);
                FloatVector.fromArray(SPECIES, b, i, m)
                        .add(FloatVector.fromArray(SPECIES, x, q + i, m))
                        .intoArray(b, i, m);
            }
        }
    }

    /** A block's result: the output itself when there is one block (part null), else its partial. */
    private static void store(ReduceOp op, int count, float[] acc, int w, float[] o, int ob, float[] part, int pb) {
        if (part == null) finish(op, count, acc, w, o, ob);
        else System.arraycopy(acc, 0, part, pb, w);
    }

    /** o[ob..ob+w) = acc[0..w), divided by count for MEAN. */
    private static void finish(ReduceOp op, int count, float[] acc, int w, float[] o, int ob) {
        if (op == ReduceOp.MEAN) {
            float c = count;
            for (int i = 0; i < w; i += L) {
                VectorMask<Float> m = SPECIES.indexInRange(i, w);
                FloatVector.fromArray(SPECIES, acc, i, m).div(c).intoArray(acc, i, m);
            }
        }
        System.arraycopy(acc, 0, o, ob, w);
    }

    /** o[ob..ob+w) = op(o[ob..ob+w), x[p..p+w)), elementwise. */
    private static void combine(ReduceOp op, float[] o, int ob, float[] x, int p, int w) {
        int i = 0, bound = SPECIES.loopBound(w);
        switch (op) {
            case SUM, MEAN -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(SPECIES, o, ob + i)
                            .add(FloatVector.fromArray(SPECIES, x, p + i))
                            .intoArray(o, ob + i);
                }
            }
            case MAX -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(SPECIES, o, ob + i)
                            .max(FloatVector.fromArray(SPECIES, x, p + i))
                            .intoArray(o, ob + i);
                }
            }
            case MIN -> {
                for (; i < bound; i += L) {
                    FloatVector.fromArray(SPECIES, o, ob + i)
                            .min(FloatVector.fromArray(SPECIES, x, p + i))
                            .intoArray(o, ob + i);
                }
            }
        }
        if (i < w) {
            VectorMask<Float> m = SPECIES.indexInRange(i, w);
            FloatVector acc = FloatVector.fromArray(SPECIES, o, ob + i, m),
                    v = FloatVector.fromArray(SPECIES, x, p + i, m);
            acc = switch (op) {
                case SUM, MEAN -> acc.add(v);
                case MAX -> acc.max(v);
                case MIN -> acc.min(v);
            };
            acc.intoArray(o, ob + i, m);
        }
    }
}
