package dev.loupe.eval.linear;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The regularised optimum against torch.optim.LBFGS run to max |grad| < 1e-8 in float64 on the same
 * objective. Fixture made by tools/golden/make_eval_fixtures.py (Debian python3-torch 1.13).
 * Tolerance 1e-4 relative to the weights' scale, not 1e-5: both sides are iterative optimisers that
 * stop at a gradient tolerance, so each sits within about |grad| / (smallest curvature ~ 1/(C n))
 * of the true optimum, not at it bit for bit.
 */
class LogisticRegressionGoldenTest {
    private static Map<String, Tensor> fixture;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafeTensors.read(Path.of(LogisticRegressionGoldenTest.class
                .getResource("/golden/eval_fixtures.safetensors")
                .toURI()));
    }

    private static FeatureSet train() {
        return new FeatureSet(fixture.get("logreg.x"), fixture.get("logreg.y"), List.of("a", "b", "c", "d"));
    }

    @Test
    void optimumMatchesTorchLbfgs() {
        double c = fixture.get("logreg.c").item();
        LogisticModel m = new LogisticRegression(c, new Lbfgs.Options(1000, 1e-8, 0, 10), false).fit(train());
        assertTrue(m.converged(), "L-BFGS did not converge in " + m.iterations() + " iterations: " + m.loss());
        assertCloseToScale("weight", fixture.get("logreg.weight"), m.weightTensor(), 1e-4);
        assertCloseToScale("bias", fixture.get("logreg.bias"), m.biasTensor(), 1e-4);
        assertEquals(fixture.get("logreg.loss").item(), m.loss(), 1e-9);
    }

    @Test
    void sklearnDefaultsReachTheSameClassifier() {
        double c = fixture.get("logreg.c").item();
        LogisticModel tight = new LogisticRegression(c, new Lbfgs.Options(1000, 1e-8, 0, 10), false).fit(train());
        LogisticModel sk = new LogisticRegression().fit(train());
        assertTrue(sk.converged());
        assertTrue(sk.iterations() <= tight.iterations(), "looser tolerance, fewer iterations");
        assertArrayEquals(tight.predict(train().features()), sk.predict(train().features()));
        assertEquals(fixture.get("logreg.loss").item(), sk.loss(), 1e-4);
    }
}
