package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Var#linear(Var, Var, UnaryOp)} in F32, where the CPU applies the activation to each GEMM
 * output block, against {@code linear(w, b).apply(op)}: the same GEMM and the same unary kernel, so values
 * and every gradient must match bit for bit, for one and two threads.
 */
class LinearActivationTest {
    private static final int DEFAULT_THREADS = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(DEFAULT_THREADS);
    }

    private record Run(float[] y, float[] dx, float[] dw, float[] db) {}

    private static Run run(Tensor x0, Tensor w0, Tensor b0, Tensor seed, UnaryOp op, boolean fused) {
        Var x = Var.param(x0), w = Var.param(w0), b = Var.param(b0);
        Var y = fused ? x.linear(w, b, op) : x.linear(w, b).apply(op);
        y.backward(seed);
        return new Run(
                y.data().toFloatArray(),
                x.grad().toFloatArray(),
                w.grad().toFloatArray(),
                b.grad().toFloatArray());
    }

    @Test
    void fusedMatchesLinearThenApplyBitwiseInValuesAndGradients() {
        Rng rng = new Rng(5);
        // odd sizes: 37 rows (3 MR tiles + 1), 45 outputs (an edge panel), K spanning two K blocks in the second
        for (int[] s : new int[][] {{37, 20, 45}, {29, 300, 70}}) {
            Tensor x = Tensor.randn(rng, s[0], s[1]),
                    w = Tensor.randn(rng, s[2], s[1]).mul(1.0 / Math.sqrt(s[1]));
            Tensor b = Tensor.randn(rng, s[2]), seed = Tensor.randn(rng, s[0], s[2]);
            for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU, UnaryOp.SILU, UnaryOp.RELU}) {
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    Run want = run(x, w, b, seed, op, false), got = run(x, w, b, seed, op, true);
                    String what = op + " " + java.util.Arrays.toString(s) + " threads=" + threads;
                    assertArrayEquals(want.y(), got.y(), what + " y");
                    assertArrayEquals(want.dx(), got.dx(), what + " dx");
                    assertArrayEquals(want.dw(), got.dw(), what + " dw");
                    assertArrayEquals(want.db(), got.db(), what + " db");
                }
            }
        }
    }

    @Test
    void mlpMatchesTheCompositionBitwiseInValuesAndGradients() {
        Rng rng = new Rng(7);
        int rows = 37, in = 20, hidden = 45, out = 19;
        Tensor x = Tensor.randn(rng, rows, in), seed = Tensor.randn(rng, rows, out);
        Tensor w1 = Tensor.randn(rng, hidden, in).mul(0.3), b1 = Tensor.randn(rng, hidden);
        Tensor w2 = Tensor.randn(rng, out, hidden).mul(0.2), b2 = Tensor.randn(rng, out);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.GELU, UnaryOp.QUICK_GELU, UnaryOp.ERF}) {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                float[][] want = null;
                for (boolean fused : new boolean[] {false, true}) {
                    Var[] v = {Var.param(x), Var.param(w1), Var.param(b1), Var.param(w2), Var.param(b2)};
                    Var y = fused
                            ? v[0].mlp(v[1], v[2], op, v[3], v[4])
                            : v[0].linear(v[1], v[2]).apply(op).linear(v[3], v[4]);
                    y.backward(seed);
                    float[][] got = new float[6][];
                    got[0] = y.data().toFloatArray();
                    for (int i = 0; i < 5; i++) got[i + 1] = v[i].grad().toFloatArray();
                    if (want == null) want = got;
                    else
                        for (int i = 0; i < 6; i++)
                            assertArrayEquals(want[i], got[i], op + " threads=" + threads + " output/grad " + i);
                }
            }
        }
    }

    @Test
    void inferenceRecordsNothing() {
        Rng rng = new Rng(6);
        Var x = Var.param(Tensor.randn(rng, 7, 5)), w = Var.param(Tensor.randn(rng, 9, 5));
        Var b = Var.param(Tensor.randn(rng, 9));
        try (var scope = GradMode.disable()) {
            Var y = x.linear(w, b, UnaryOp.GELU);
            assertFalse(y.requiresGrad());
            assertArrayEquals(
                    x.linear(w, b).gelu().data().toFloatArray(), y.data().toFloatArray());
        }
        Var frozen = Var.of(x.data()).linear(Var.of(w.data()), Var.of(b.data()), UnaryOp.GELU);
        assertFalse(frozen.requiresGrad());
        assertNull(frozen.grad());
    }
}
