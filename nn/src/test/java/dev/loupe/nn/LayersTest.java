package dev.loupe.nn;

import static dev.loupe.nn.LayersGolden.get;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradCheck;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dropout, Embedding and BatchNorm1d. BatchNorm1d is compared with torch.nn.BatchNorm1d through
 * tools/golden/make_layers_fixture.py (Debian python3-torch 1.13).
 *
 * <p>Tolerance 1e-5 of each tensor's scale: both sides compute in float32 but torch collects the
 * batch statistics in another summation order, a few float32 ulps per op.
 */
class LayersTest {
    private static final double RTOL = 1e-5;

    // ---- Dropout --------------------------------------------------------------------------------

    @Test
    void dropoutKeepsAboutOneMinusPAndScalesKeptElements() {
        Dropout drop = new Dropout(0.3, new Rng(1));
        int n = 100_000;
        float[] y = drop.forward(Var.of(Tensor.ones(n))).data().toFloatArray();
        int kept = 0;
        double sum = 0;
        for (float v : y) {
            if (v != 0) {
                kept++;
                assertEquals(1 / 0.7, v, 1e-6, "a kept element is scaled by 1/(1-p)");
            }
            sum += v;
        }
        // binomial(1e5, 0.7): std of the kept fraction is 0.0014, so 0.01 is ~7 sigma
        assertEquals(0.7, (double) kept / n, 0.01);
        assertEquals(1.0, sum / n, 0.015, "inverted dropout keeps the mean");
    }

    @Test
    void dropoutIsIdentityInEvalAndAtZero() {
        Var x = Var.of(Tensor.randn(new Rng(2), 3, 5));
        Dropout drop = new Dropout(0.5, new Rng(3));
        drop.train(false);
        assertSame(x, drop.forward(x));
        assertSame(x, new Dropout(0, new Rng(3)).forward(x));
        Dropout all = new Dropout(1, new Rng(3));
        for (float v : all.forward(x).data().toFloatArray())
            assertEquals(0f, v, 0f, "p = 1 drops all (-0 from negative inputs counts as 0)");
    }

    @Test
    void dropoutGradientIsTheMask() {
        Var x = Var.param(Tensor.randn(new Rng(4), 4, 6));
        Var y = new Dropout(0.5, new Rng(5)).forward(x);
        y.sum().backward();
        float[] g = x.grad().toFloatArray(),
                yv = y.data().toFloatArray(),
                xv = x.data().toFloatArray();
        for (int i = 0; i < g.length; i++)
            assertEquals(yv[i] == 0 ? 0 : 2f, g[i], 1e-6, "element " + i + " (x " + xv[i] + ")");
    }

    @Test
    void dropoutRejectsBadProbability() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, new Rng(1)));
    }

    // ---- Embedding ------------------------------------------------------------------------------

    @Test
    void embeddingLooksUpRowsForAnyIdShape() {
        Embedding emb = new Embedding(5, 3, new Rng(6));
        Tensor ids = Tensor.ofLongs(new long[] {4, 0, 2, 2, 1, 3}, 2, 3);
        Var y = emb.forward(ids);
        assertArrayEquals(new int[] {2, 3, 3}, y.sizes());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                int id = (int) ids.getLong(i, j);
                for (int k = 0; k < 3; k++)
                    assertEquals(emb.weight.data().getDouble(id, k), y.data().getDouble(i, j, k));
            }
        }
        assertArrayEquals(
                new int[] {4, 3},
                emb.forward(Tensor.ofInts(new int[] {0, 1, 2, 3}, 4)).sizes());
    }

    @Test
    void embeddingGradientAccumulatesForRepeatedIds() {
        Embedding emb = new Embedding(4, 2, new Rng(7));
        Tensor ids = Tensor.ofLongs(new long[] {1, 3, 1, 1}, 4);
        // weights per row of the output, so each id's gradient is the sum over its occurrences
        Tensor r = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2);
        emb.forward(ids).mul(Var.of(r)).sum().backward();
        float[] expected = {0, 0, 1 + 5 + 7, 2 + 6 + 8, 0, 0, 3, 4};
        assertArrayEquals(expected, emb.weight.grad().toFloatArray(), 0f);
    }

    @Test
    void embeddingInitHasStd002AndRejectsFloatIds() {
        Embedding emb = new Embedding(400, 100, new Rng(8));
        double[] w = emb.weight.data().toDoubleArray();
        double ss = 0;
        for (double v : w) ss += v * v;
        // 40000 normal draws: the sample std is within 1% of 0.02 at ~3 sigma
        assertEquals(0.02, Math.sqrt(ss / w.length), 0.0002);
        assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.zeros(3)));
        assertThrows(IndexOutOfBoundsException.class, () -> emb.forward(Tensor.ofLongs(new long[] {400}, 1)));
    }

    // ---- BatchNorm1d ----------------------------------------------------------------------------

    private static BatchNorm1d loaded(String prefix) {
        BatchNorm1d bn = new BatchNorm1d(4);
        bn.weight.updateInPlace(d -> d.copyFrom(get(prefix + ".weight")));
        bn.bias.updateInPlace(d -> d.copyFrom(get(prefix + ".bias")));
        return bn;
    }

    @Test
    void batchNormNamesMatchTorch() {
        assertEquals(
                java.util.List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                java.util.List.copyOf(new BatchNorm1d(4).stateDict().keySet()));
        Map<String, Tensor> plain = new BatchNorm1d(4, 1e-5, 0.1, false).stateDict();
        assertEquals(
                java.util.List.of("running_mean", "running_var", "num_batches_tracked"),
                java.util.List.copyOf(plain.keySet()));
        Tensor tracked = plain.get("num_batches_tracked");
        assertEquals(DType.I64, tracked.dtype());
        assertEquals(0, tracked.rank(), "num_batches_tracked is 0-d as in torch");
    }

    @Test
    void batchNorm3dTwoTrainingStepsThenEvalMatchTorch() {
        BatchNorm1d bn = loaded("bn3");
        assertCloseToScale(
                "out1", get("bn3.out1"), bn.forward(Var.of(get("bn3.x1"))).data(), RTOL);
        Var x2 = Var.param(get("bn3.x2").copy());
        Var y2 = bn.forward(x2);
        assertCloseToScale("out2", get("bn3.out2"), y2.data(), RTOL);
        y2.mul(Var.of(get("bn3.r"))).sum().backward();
        assertCloseToScale("grad x", get("bn3.grad_x"), x2.grad(), RTOL);
        assertCloseToScale("grad weight", get("bn3.grad_weight"), bn.weight.grad(), RTOL);
        assertCloseToScale("grad bias", get("bn3.grad_bias"), bn.bias.grad(), RTOL);
        assertCloseToScale("running_mean", get("bn3.running_mean"), bn.runningMean(), RTOL);
        assertCloseToScale("running_var", get("bn3.running_var"), bn.runningVar(), RTOL);
        assertEquals(get("bn3.num_batches_tracked").getLong(), bn.numBatchesTracked());
        assertEquals(2, bn.numBatchesTracked());
        bn.train(false);
        assertCloseToScale(
                "eval out",
                get("bn3.out_eval"),
                bn.forward(Var.of(get("bn3.x3"))).data(),
                RTOL);
        assertEquals(2, bn.numBatchesTracked(), "eval does not count batches");
    }

    @Test
    void batchNorm2dMatchesTorch() {
        BatchNorm1d bn = loaded("bn2");
        Var x = Var.param(get("bn2.x").copy());
        Var y = bn.forward(x);
        assertCloseToScale("out", get("bn2.out"), y.data(), RTOL);
        y.mul(Var.of(get("bn2.r"))).sum().backward();
        assertCloseToScale("grad x", get("bn2.grad_x"), x.grad(), RTOL);
        assertCloseToScale("grad weight", get("bn2.grad_weight"), bn.weight.grad(), RTOL);
        assertCloseToScale("grad bias", get("bn2.grad_bias"), bn.bias.grad(), RTOL);
        assertCloseToScale("running_mean", get("bn2.running_mean"), bn.runningMean(), RTOL);
        assertCloseToScale("running_var", get("bn2.running_var"), bn.runningVar(), RTOL);
    }

    @Test
    void batchNormWithoutAffineMatchesTorch() {
        BatchNorm1d bn = new BatchNorm1d(4, 1e-5, 0.1, false);
        assertTrue(bn.parameters().isEmpty());
        assertCloseToScale(
                "out", get("bnplain.out"), bn.forward(Var.of(get("bnplain.x"))).data(), RTOL);
    }

    @Test
    void batchNormStateDictRoundTripsRunningStats() {
        BatchNorm1d a = loaded("bn3");
        a.forward(Var.of(get("bn3.x1")));
        BatchNorm1d b = new BatchNorm1d(4);
        assertTrue(b.loadStateDict(a.stateDict(), true).clean());
        assertEquals(1, b.numBatchesTracked());
        assertCloseToScale("running_var", a.runningVar(), b.runningVar(), 0);
    }

    @Test
    void batchNormRejectsBadInputs() {
        BatchNorm1d bn = new BatchNorm1d(4);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Var.of(Tensor.zeros(2, 3))));
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Var.of(Tensor.zeros(2, 4, 1, 1))));
        assertThrows(
                IllegalArgumentException.class, () -> bn.forward(Var.of(Tensor.zeros(1, 4))), "one value per channel");
    }

    @Test
    void batchNormTrainGradcheck() {
        Rng rng = new Rng(9);
        // (N, C, L) = (3, 2, 4) and (5, 3): gradients flow through the batch mean and variance
        GradCheck.check(
                "batch_norm (N, C, L)",
                v -> BatchNorm1d.normalizeWithBatchStats(v[0], 1e-5)
                        .mul(v[1].reshape(2, 1))
                        .add(v[2].reshape(2, 1)),
                Tensor.randn(rng, 3, 2, 4),
                Tensor.randn(rng, 2),
                Tensor.randn(rng, 2));
        GradCheck.check(
                "batch_norm (N, C)",
                v -> BatchNorm1d.normalizeWithBatchStats(v[0], 1e-5).mul(v[1]).add(v[2]),
                Tensor.randn(rng, 5, 3),
                Tensor.randn(rng, 3),
                Tensor.randn(rng, 3));
    }

    @Test
    void batchNormModuleGradcheckInF64() {
        Rng rng = new Rng(10);
        GradCheck.check(
                "BatchNorm1d module",
                v -> {
                    BatchNorm1d bn = new BatchNorm1d(3);
                    return bn.forward(v[0]);
                },
                Tensor.randn(rng, 4, 3, 2));
    }
}
