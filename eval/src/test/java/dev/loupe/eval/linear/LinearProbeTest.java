package dev.loupe.eval.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearProbeTest {
    /**
     * Linearly separable features: class means 4 N(0, I) apart, noise N(0, 0.5^2 I), then scaled by 5
     * and shifted by 3 like raw backbone outputs. Labels cycle through the classes.
     */
    static FeatureSet separable(int n, int dim, int classes, long seed) {
        Rng rng = new Rng(seed), means = new Rng(99);
        double[][] mu = new double[classes][dim];
        for (double[] row : mu) for (int j = 0; j < dim; j++) row[j] = 4 * means.nextGaussian();
        float[] x = new float[n * dim];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            y[i] = c;
            for (int j = 0; j < dim; j++) x[i * dim + j] = (float) (5 * (mu[c][j] + 0.5 * rng.nextGaussian()) + 3);
        }
        return new FeatureSet(Tensor.of(x, n, dim), Tensor.ofLongs(y, n), List.of());
    }

    @Test
    void batchNormProbeLearnsSeparableFeatures() {
        FeatureSet train = separable(600, 12, 4, 1), test = separable(300, 12, 4, 2);
        LinearProbeResult r =
                new LinearProbe(new LinearProbeConfig(true, false, 8, 32, 0.1, 0.9, 0, 1, 7)).run(train, test);
        assertTrue(r.top1() > 95, "top-1 " + r.top1());
        assertTrue(
                r.epochLoss()[7] < r.epochLoss()[0], "loss did not fall: " + java.util.Arrays.toString(r.epochLoss()));
        assertEquals(Double.NaN, r.top5(), "4 classes: no top-5");
    }

    @Test
    void larsAndPlainHeadsAlsoLearn() {
        FeatureSet train = separable(600, 12, 6, 3), test = separable(300, 12, 6, 4);
        LinearProbeResult lars =
                new LinearProbe(new LinearProbeConfig(true, true, 10, 32, 40, 0.9, 0, 1, 7)).run(train, test);
        assertTrue(lars.top1() > 90, "LARS top-1 " + lars.top1());
        LinearProbeResult plain =
                new LinearProbe(new LinearProbeConfig(false, false, 10, 32, 0.01, 0.9, 0, 0, 7)).run(train, test);
        assertTrue(plain.top1() > 90, "plain top-1 " + plain.top1());
        assertTrue(plain.top5() >= plain.top1());
        assertEquals(null, plain.head().norm);
    }

    @Test
    void runsAreReproducible() {
        FeatureSet train = separable(200, 8, 3, 5), test = separable(100, 8, 3, 6);
        LinearProbeConfig config = LinearProbeConfig.defaults(3, 16, 11);
        LinearProbeResult a = new LinearProbe(config).run(train, test), b = new LinearProbe(config).run(train, test);
        assertArrayEquals(a.epochLoss(), b.epochLoss());
        assertArrayEquals(a.predictions(), b.predictions());
        assertArrayEquals(
                a.head().linear.weight.data().toFloatArray(),
                b.head().linear.weight.data().toFloatArray());
        LinearProbeResult other = new LinearProbe(LinearProbeConfig.defaults(3, 16, 12)).run(train, test);
        assertTrue(other.epochLoss()[0] != a.epochLoss()[0], "the seed must matter");
    }

    @Test
    void presetsFollowTheReferences() {
        LinearProbeConfig mae = LinearProbeConfig.mae(512, 0);
        assertEquals(0.2, mae.lr(), 1e-15);
        assertTrue(mae.batchNorm() && mae.lars());
        assertEquals(90, mae.epochs());
        assertEquals(10, mae.warmupEpochs());
        LinearProbeConfig dino = LinearProbeConfig.dino(256, 0);
        assertEquals(0.001, dino.lr(), 1e-15);
        assertTrue(!dino.batchNorm() && !dino.lars());
    }

    @Test
    void badConfigurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LinearProbeConfig(true, false, 0, 8, 0.1, 0.9, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new LinearProbeConfig(true, false, 2, 8, 0.1, 0.9, 0, 3, 0));
        FeatureSet a = separable(20, 4, 2, 1), b = separable(20, 5, 2, 1);
        assertThrows(
                IllegalArgumentException.class, () -> new LinearProbe(LinearProbeConfig.defaults(1, 8, 0)).run(a, b));
    }
}
