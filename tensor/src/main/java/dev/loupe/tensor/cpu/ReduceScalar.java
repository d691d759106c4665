package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.ReduceOp;

/**
 * Scalar reductions over a {@link ReduceLayout}: the F32 twin of CpuReductions' vector kernels, and
 * the F64 and integer paths. Each output starts from its first element and combines the rest in the
 * layout's order (F32 over a kept innermost dim: in blocks, see {@link #f32}) (Math.max / Math.min propagate NaN). Integers accumulate in long and wrap when
 * stored, like torch's int sums.
 */
final class ReduceScalar {
    private ReduceScalar() {}

    /** Calls {@code body} with each output's index and the storage index of its first element. */
    private interface Output {
        void run(int out, int first, int runLength);
    }

    /** Visits outputs in parallel; element k of an output lies at first + offsets[k / run] + k % run. */
    private static void forEachOutput(ReduceLayout lay, int xo, Output body) {
        int run = lay.innerReduced ? lay.inner : 1;
        int outputs = lay.innerReduced ? lay.rows : lay.rows * lay.inner;
        int grain = Math.max(1, 32768 / Math.max(1, lay.count));
        Parallel.forRange(outputs, grain, (start, end) -> {
            for (int e = start; e < end; e++) {
                int first = lay.innerReduced ? xo + lay.base(e) : xo + lay.base(e / lay.inner) + e % lay.inner;
                body.run(e, first, run);
            }
        });
    }

    /**
     * A kept innermost dim combines its slices in blocks of {@link CpuReductions#rowBlock} (each from
     * its first element), then the block results in order, as the vector kernel does; a reduced
     * innermost run is one block.
     */
    static void f32(ReduceOp op, ReduceLayout lay, float[] x, int xo, float[] o, int oo) {
        int[] offs = lay.offsets;
        int block = lay.innerReduced ? lay.count : CpuReductions.rowBlock(lay.count);
        forEachOutput(lay, xo, (e, first, run) -> {
            float acc = 0f;
            for (int k0 = 0; k0 < lay.count; k0 += block) {
                float part = x[first + offs[k0 / run] + k0 % run];
                for (int k = k0 + 1, k1 = Math.min(lay.count, k0 + block); k < k1; k++)
                    part = combine(op, part, x[first + offs[k / run] + k % run]);
                acc = k0 == 0 ? part : combine(op, acc, part);
            }
            o[oo + e] = op == ReduceOp.MEAN ? acc / lay.count : acc;
        });
    }

    private static float combine(ReduceOp op, float acc, float v) {
        return switch (op) {
            case SUM, MEAN -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }

    static void f64(ReduceOp op, ReduceLayout lay, double[] x, int xo, double[] o, int oo) {
        int[] offs = lay.offsets;
        forEachOutput(lay, xo, (e, first, run) -> {
            double acc = x[first + offs[0]];
            for (int k = 1; k < lay.count; k++) {
                double v = x[first + offs[k / run] + k % run];
                acc = switch (op) {
                    case SUM, MEAN -> acc + v;
                    case MAX -> Math.max(acc, v);
                    case MIN -> Math.min(acc, v);
                };
            }
            o[oo + e] = op == ReduceOp.MEAN ? acc / lay.count : acc;
        });
    }

    static void integer(ReduceOp op, ReduceLayout lay, CpuStorage x, int xo, CpuStorage o, int oo) {
        if (op == ReduceOp.MEAN) throw new IllegalArgumentException("mean: needs a floating tensor, got " + x.dtype());
        int[] offs = lay.offsets;
        forEachOutput(lay, xo, (e, first, run) -> {
            long acc = x.getLong(first + offs[0]);
            for (int k = 1; k < lay.count; k++) {
                long v = x.getLong(first + offs[k / run] + k % run);
                acc = switch (op) {
                    case SUM, MEAN -> acc + v;
                    case MAX -> Math.max(acc, v);
                    case MIN -> Math.min(acc, v);
                };
            }
            o.setLong(oo + e, acc);
        });
    }
}
