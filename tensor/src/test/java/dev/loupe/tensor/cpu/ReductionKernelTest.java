package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static dev.loupe.tensor.cpu.KernelChecks.nonContiguous;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.ReduceOp;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReductionKernelTest {
    private static Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean scalar) {
        int[] kept = x.sizes();
        for (int d : dims) kept[d] = 1;
        Tensor out = Tensor.empty(x.dtype(), kept);
        CpuReductions.reduce(op, x, dims, out, scalar);
        return out;
    }

    /** (input, dims) cases: 1-D sizes around the vector width, every dim subset of a 2-D and a 3-D shape. */
    private static List<Object[]> cases() {
        List<Object[]> c = new ArrayList<>();
        long seed = 11;
        for (int n : SIZES) {
            if (n > 0) c.add(new Object[] {randn(seed++, n), new int[] {0}});
        }
        for (int[] shape : new int[][] {{7, 33}, {100, 17}, {1, 16}}) {
            for (int[] dims : new int[][] {{0}, {1}, {0, 1}}) c.add(new Object[] {randn(seed++, shape), dims});
        }
        for (int[] dims : new int[][] {{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}}) {
            c.add(new Object[] {randn(seed++, 3, 5, 17), dims});
            c.add(new Object[] {randn(seed++, 4, 3, 300), dims});
        }
        return c;
    }

    @Test
    void vectorMatchesScalarTwinAndDoubleReference() {
        for (Object[] cs : cases()) {
            Tensor base = (Tensor) cs[0];
            int[] dims = (int[]) cs[1];
            Tensor broadcast = base.narrow(0, 0, 1).expand(base.sizes());
            for (Tensor x : new Tensor[] {base, nonContiguous(base), broadcast}) {
                for (ReduceOp op : ReduceOp.values()) {
                    String what = op + " of " + x.shape() + (x.isContiguous() ? "" : " (strided)") + " over "
                            + java.util.Arrays.toString(dims);
                    Tensor vec = reduce(op, x, dims, false), twin = reduce(op, x, dims, true);
                    if (op == ReduceOp.MAX || op == ReduceOp.MIN) {
                        assertSameBits(what, twin, vec);
                        continue;
                    }
                    Tensor ref = reduce(op, x.to(DType.F64), dims, true);
                    Tensor absSum = reduce(ReduceOp.SUM, x.abs().to(DType.F64), dims, true);
                    checkSum(what + " vector", ref, vec, absSum, count(x, dims), op == ReduceOp.MEAN);
                    checkSum(what + " twin", ref, twin, absSum, count(x, dims), op == ReduceOp.MEAN);
                }
            }
        }
    }

    private static int count(Tensor x, int[] dims) {
        int n = 1;
        for (int d : dims) n *= x.size(d);
        return n;
    }

    // Float summation of n terms in any order is within n * u * sum|x| of the exact sum
    // (u = 2^-24); a mean divides both sides by n, and adds one rounding.
    private static void checkSum(String what, Tensor ref, Tensor got, Tensor absSum, int n, boolean mean) {
        double[] r = ref.toDoubleArray(), g = got.toDoubleArray(), a = absSum.toDoubleArray();
        double u = Math.ulp(1f) / 2;
        for (int i = 0; i < r.length; i++) {
            double bound = n * u * a[i] / (mean ? n : 1) + u * Math.abs(r[i]);
            if (!(Math.abs(g[i] - r[i]) <= bound))
                fail(what + ": output " + i + " is " + g[i] + ", reference " + r[i] + ", bound " + bound);
        }
    }

    @Test
    void keptInnerDimSumsInTheTwinsOrder() {
        Tensor x = randn(3, 640, 77); // (B, D) over B: vectorised across D
        assertSameBits("sum over rows", reduce(ReduceOp.SUM, x, new int[] {0}, true), x.sum(true, 0));
        assertSameBits("mean over rows", reduce(ReduceOp.MEAN, x, new int[] {0}, true), x.mean(true, 0));
    }

    // Bias gradients: column sums of (R, D) with one output row, which the kernel splits into column
    // blocks by thread count. Every op must keep the twin's bits for any thread count.
    @Test
    void columnSumsKeepTheTwinsBitsForAnyThreadCount() {
        int before = Parallel.threads();
        long seed = 91;
        try {
            for (int[] shape :
                    new int[][] {{2000, 192}, {300, 768}, {65, 200}, {9, 17}, {1000, 2}, {3, 600, 70}, {257, 1100}}) {
                Tensor x = randn(seed++, shape);
                int[] dims = shape.length == 2 ? new int[] {0} : new int[] {1};
                for (Tensor in : new Tensor[] {x, nonContiguous(x)}) {
                    for (ReduceOp op : ReduceOp.values()) {
                        String what = op + " of " + in.shape() + " over " + java.util.Arrays.toString(dims);
                        Parallel.setThreads(1);
                        Tensor twin = reduce(op, in, dims, true);
                        for (int threads : new int[] {1, 2, 3, 7}) {
                            Parallel.setThreads(threads);
                            assertSameBits(what + ", " + threads + " threads", twin, reduce(op, in, dims, false));
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void rowBlocksDependOnTheReductionLengthOnly() {
        assertEquals(256, CpuReductions.rowBlock(1));
        assertEquals(256, CpuReductions.rowBlock(6400));
        assertEquals(256, CpuReductions.rowBlock(64 * 256));
        assertEquals(257, CpuReductions.rowBlock(64 * 256 + 1));
        assertTrue((1_000_000 + CpuReductions.rowBlock(1_000_000) - 1) / CpuReductions.rowBlock(1_000_000) <= 64);
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        Tensor x = randn(5, 300, 129);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Tensor a0 = x.sum(false, 1), a1 = x.sum(false, 0), a2 = x.sum();
            Parallel.setThreads(3);
            assertSameBits("rows", a0, x.sum(false, 1));
            assertSameBits("columns", a1, x.sum(false, 0));
            assertSameBits("all", a2, x.sum());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void knownValuesAndKeepdim() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(false, 0).toFloatArray());
        assertArrayEquals(new float[] {2, 5}, x.mean(false, 1).toFloatArray());
        assertArrayEquals(new int[] {2, 1}, x.max(true, 1).sizes());
        assertArrayEquals(new float[] {3, 6}, x.max(true, 1).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3}, x.min(false, 0).toFloatArray());
        assertEquals(21.0, x.sum().item());
        assertEquals(0, x.sum().rank());
    }

    @Test
    void emptyReductions() {
        Tensor e = Tensor.zeros(0, 3);
        assertArrayEquals(new float[] {0, 0, 0}, e.sum(false, 0).toFloatArray());
        assertTrue(Float.isNaN(e.mean(false, 0).toFloatArray()[0]));
        assertArrayEquals(new int[] {0}, e.sum(false, 1).sizes());
    }

    @Test
    void maxAndMinPropagateNaN() {
        for (int n : new int[] {3, 17, 100}) {
            float[] v = randn(n, n).toFloatArray();
            v[n / 2] = Float.NaN;
            Tensor x = Tensor.of(v);
            assertTrue(Float.isNaN((float) x.max(false, 0).item()), "max n=" + n);
            assertTrue(Float.isNaN((float) x.min(false, 0).item()), "min n=" + n);
            Tensor col = Tensor.of(v, n, 1).expand(n, 20);
            float[] m =
                    reduce(ReduceOp.MAX, col.contiguous(), new int[] {0}, false).toFloatArray();
            for (float f : m) assertTrue(Float.isNaN(f), "max over rows n=" + n);
        }
    }

    @Test
    void argmaxTakesFirstTieAndNaN() {
        Tensor x = Tensor.of(new float[] {1, 5, 5, 2, 0, 0, -1, 0}, 2, 4);
        assertArrayEquals(new long[] {1, 0}, x.argmax(1, false).toLongArray());
        assertArrayEquals(new long[] {0, 2}, x.argmin(1, false).toLongArray());
        assertArrayEquals(new long[] {0, 0, 0, 0}, x.argmax(0, false).toLongArray());
        assertArrayEquals(new long[] {1, 1, 1, 1}, x.argmin(0, false).toLongArray());
        Tensor nan = Tensor.of(new float[] {1, Float.NaN, 9, Float.NaN});
        assertEquals(1, nan.argmax(0, false).item());
        assertEquals(1, nan.argmin(0, false).item());
        assertEquals(DType.I64, nan.argmax(0, true).dtype());
        Tensor t = x.mT(); // strided dim
        assertArrayEquals(new long[] {1, 0}, t.argmax(0, false).toLongArray());
        Tensor ints = Tensor.ofLongs(new long[] {3, 9, 9, -2});
        assertEquals(1, ints.argmax(0, false).item());
        assertEquals(3, ints.argmin(0, false).item());
    }

    @Test
    void integerSumsAreExact() {
        long big = 1L << 60;
        Tensor x = Tensor.ofLongs(new long[] {big, 1, big, 3}, 2, 2);
        assertArrayEquals(new long[] {2 * big, 4}, x.sum(false, 0).toLongArray());
        assertArrayEquals(new long[] {big, big}, x.max(false, 1).toLongArray());
        assertEquals(DType.I64, x.sum().dtype());
    }
}
