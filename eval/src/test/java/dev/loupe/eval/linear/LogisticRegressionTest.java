package dev.loupe.eval.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Parallel;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {
    @Test
    void gradientMatchesFiniteDifferences() {
        FeatureSet data = LinearProbeTest.separable(30, 4, 3, 1);
        double[] x = LogisticRegression.toDoubles(data.features());
        var obj = new LogisticRegression.Objective(x, data.checkedLabels("test"), 30, 4, 3, 1 / (0.5 * 30));
        double[] p = new double[3 * 4 + 3], grad = new double[p.length], ignored = new double[p.length];
        for (int i = 0; i < p.length; i++) p[i] = 0.05 * Math.sin(3 * i + 1);
        obj.valueAndGradient(p, grad);
        for (int i = 0; i < p.length; i++) {
            double h = 1e-6, keep = p[i];
            p[i] = keep + h;
            double up = obj.valueAndGradient(p, ignored);
            p[i] = keep - h;
            double down = obj.valueAndGradient(p, ignored);
            p[i] = keep;
            assertEquals((up - down) / (2 * h), grad[i], 1e-6, "parameter " + i);
        }
    }

    @Test
    void fitsSeparableDataAndGeneralises() {
        FeatureSet train = LinearProbeTest.separable(400, 10, 4, 3), test = LinearProbeTest.separable(200, 10, 4, 4);
        LogisticModel m =
                new LogisticRegression(LogisticRegression.CLIP_C, Lbfgs.Options.sklearn(1000, 1e-4), true).fit(train);
        assertTrue(m.converged());
        assertTrue(m.accuracy(test) > 90, "accuracy " + m.accuracy(test));
    }

    @Test
    void strongerRegularisationShrinksTheWeights() {
        FeatureSet train = LinearProbeTest.separable(200, 6, 3, 5);
        double loose = norm(new LogisticRegression(10, Lbfgs.Options.sklearn(1000, 1e-6), false)
                .fit(train)
                .weight());
        double tight = norm(new LogisticRegression(0.01, Lbfgs.Options.sklearn(1000, 1e-6), false)
                .fit(train)
                .weight());
        assertTrue(tight < loose, tight + " >= " + loose);
    }

    @Test
    void fitDoesNotDependOnTheThreadCount() {
        FeatureSet train = LinearProbeTest.separable(300, 40, 5, 6);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            LogisticModel one = new LogisticRegression().fit(train);
            Parallel.setThreads(2);
            LogisticModel two = new LogisticRegression().fit(train);
            assertArrayEquals(one.weight(), two.weight());
            assertArrayEquals(one.bias(), two.bias());
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void badInputIsRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new LogisticRegression(0, Lbfgs.Options.sklearn(10, 1e-4), false));
        assertThrows(IllegalArgumentException.class, () -> new Lbfgs.Options(0, 1e-4, 0, 10));
        FeatureSet one = LinearProbeTest.separable(10, 3, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new LogisticRegression().fit(one));
    }

    @Test
    void lbfgsMinimisesTheRosenbrockFunction() {
        Lbfgs.Result r = new Lbfgs(new Lbfgs.Options(500, 1e-10, 0, 10))
                .minimize(
                        (v, g) -> {
                            double a = 1 - v[0], b = v[1] - v[0] * v[0];
                            g[0] = -2 * a - 400 * v[0] * b;
                            g[1] = 200 * b;
                            return a * a + 100 * b * b;
                        },
                        new double[] {-1.2, 1});
        assertTrue(r.converged(), r.reason());
        assertEquals(1, r.x()[0], 1e-8);
        assertEquals(1, r.x()[1], 1e-8);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double e : v) s += e * e;
        return Math.sqrt(s);
    }
}
