package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Var#linearResidual} and {@link Var#mlpResidual} in F32, where the CPU adds the residual to each
 * GEMM output block, against {@code residual.add(linear(...))} and {@code residual.add(mlp(...))}: the same
 * GEMMs and one float add per element, so values and every gradient must match bit for bit, for one and
 * two threads.
 */
class LinearResidualTest {
    private static final int DEFAULT_THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    /** The output and then every input's gradient, after backward from seed. */
    private static float[][] run(Tensor[] inputs, Tensor seed, Function<Var[], Var> f) {
        Var[] v = new Var[inputs.length];
        for (int i = 0; i < v.length; i++) v[i] = Var.param(inputs[i]);
        Var y = f.apply(v);
        y.backward(seed);
        float[][] out = new float[v.length + 1][];
        out[0] = y.data().toFloatArray();
        for (int i = 0; i < v.length; i++) out[i + 1] = v[i].grad().toFloatArray();
        return out;
    }

    private static void assertSame(String what, float[][] want, float[][] got) {
        for (int i = 0; i < want.length; i++)
            assertArrayEquals(want[i], got[i], what + (i == 0 ? " output" : " grad " + i));
    }

    @Test
    void linearResidualMatchesResidualPlusLinearBitwise() {
        Rng rng = new Rng(15);
        // odd sizes: 37 rows (3 MR tiles + 1), 45 outputs (an edge panel), K spanning two K blocks in the second
        for (int[] s : new int[][] {{37, 20, 45}, {29, 1100, 70}}) {
            Tensor x = Tensor.randn(rng, s[0], s[1]),
                    w = Tensor.randn(rng, s[2], s[1]).mul(1.0 / Math.sqrt(s[1]));
            Tensor b = Tensor.randn(rng, s[2]), r = Tensor.randn(rng, s[0], s[2]), seed = Tensor.randn(rng, s[0], s[2]);
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                String what = java.util.Arrays.toString(s) + " threads=" + threads;
                assertSame(
                        what,
                        run(new Tensor[] {x, w, b, r}, seed, v -> v[3].add(v[0].linear(v[1], v[2]))),
                        run(new Tensor[] {x, w, b, r}, seed, v -> v[0].linearResidual(v[1], v[2], v[3])));
                assertSame(
                        what + " without bias",
                        run(new Tensor[] {x, w, r}, seed, v -> v[2].add(v[0].linear(v[1], null))),
                        run(new Tensor[] {x, w, r}, seed, v -> v[0].linearResidual(v[1], null, v[2])));
            }
        }
    }

    @Test
    void mlpResidualMatchesResidualPlusMlpBitwise() {
        Rng rng = new Rng(17);
        int rows = 37, in = 20, hidden = 45, out = 19;
        Tensor[] inputs = {
            Tensor.randn(rng, rows, in),
            Tensor.randn(rng, hidden, in).mul(0.3),
            Tensor.randn(rng, hidden),
            Tensor.randn(rng, out, hidden).mul(0.2),
            Tensor.randn(rng, out),
            Tensor.randn(rng, rows, out)
        };
        Tensor seed = Tensor.randn(rng, rows, out);
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            assertSame(
                    "mlp threads=" + threads,
                    run(inputs, seed, v -> v[5].add(v[0].mlp(v[1], v[2], UnaryOp.GELU, v[3], v[4]))),
                    run(inputs, seed, v -> v[0].mlpResidual(v[1], v[2], UnaryOp.GELU, v[3], v[4], v[5])));
        }
    }

    @Test
    void inferenceRecordsNothing() {
        Rng rng = new Rng(16);
        Var x = Var.param(Tensor.randn(rng, 7, 5)), w = Var.param(Tensor.randn(rng, 9, 5));
        Var b = Var.param(Tensor.randn(rng, 9)), r = Var.param(Tensor.randn(rng, 7, 9));
        try (var scope = GradMode.disable()) {
            Var y = x.linearResidual(w, b, r);
            assertFalse(y.requiresGrad());
            assertArrayEquals(
                    r.add(x.linear(w, b)).data().toFloatArray(), y.data().toFloatArray());
        }
    }
}
