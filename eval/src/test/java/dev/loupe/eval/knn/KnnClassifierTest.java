package dev.loupe.eval.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnnClassifierTest {
    /** n points per class around well separated class directions (+/- axis), labels in class order. */
    static FeatureSet clusters(int classes, int perClass, int dim, double noise, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[classes * perClass * dim];
        long[] y = new long[classes * perClass];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                int row = c * perClass + i;
                y[row] = c;
                for (int j = 0; j < dim; j++) x[row * dim + j] = (float) (noise * rng.nextGaussian());
                x[row * dim + (c % dim)] += c < dim ? 4f : -4f;
            }
        }
        return new FeatureSet(Tensor.of(x, y.length, dim), Tensor.ofLongs(y, y.length), List.of());
    }

    @Test
    void separableClustersAreClassifiedPerfectly() {
        FeatureSet train = clusters(6, 30, 8, 0.3, 1), test = clusters(6, 10, 8, 0.3, 2);
        List<KnnResult> results = new KnnClassifier().evaluate(train, test);
        assertEquals(
                List.of(10, 20, 100, 180), results.stream().map(KnnResult::k).toList(), "k clamps to the train size");
        for (KnnResult r : results) {
            assertEquals(100.0, r.top1(), 1e-12, "k=" + r.k());
            assertEquals(100.0, r.top5(), 1e-12, "k=" + r.k());
        }
    }

    @Test
    void noisyDataIsImperfectAndTopFiveBoundsTopOne() {
        FeatureSet train = clusters(6, 30, 8, 3.0, 3), test = clusters(6, 20, 8, 3.0, 4);
        for (KnnResult r : new KnnClassifier().evaluate(train, test, 20)) {
            assertTrue(r.top1() < 100 && r.top1() > 100.0 / 6, "top-1 " + r.top1());
            assertTrue(r.top5() >= r.top1(), "top-5 " + r.top5() + " < top-1 " + r.top1());
        }
    }

    @Test
    void topKKeepsTheLowerIndexOnTies() {
        float[] sim = {0.5f, 0.9f, 0.5f, 0.9f, 0.1f, 0.5f};
        assertArrayEquals(new int[] {1, 3, 0, 2}, KnnClassifier.topK(sim, 0, 6, 4));
        assertArrayEquals(
                new int[] {2, 1},
                KnnClassifier.topK(new float[] {9, 0.1f, 0.2f, 0.3f, 0.1f}, 1, 4, 2),
                "offsets index the row, not the array");
    }

    @Test
    void equalClassScoresPredictTheLowerClass() {
        // one train sample per class at the same similarity to the test point: k=2 gives a tie
        FeatureSet train = new FeatureSet(
                Tensor.of(new float[] {1, 1, 1, -1}, 2, 2), Tensor.ofLongs(new long[] {1, 0}, 2), List.of());
        FeatureSet test =
                new FeatureSet(Tensor.of(new float[] {1, 0}, 1, 2), Tensor.ofLongs(new long[] {0}, 1), List.of());
        KnnResult r = new KnnClassifier().evaluate(train, test, 2).getFirst();
        assertEquals(0, r.predictions()[0]);
        assertEquals(Double.NaN, r.top5(), "fewer than 5 classes: no top-5");
    }

    @Test
    void resultsRepeatAcrossThreadCountsAndChunkSizes() {
        FeatureSet train = clusters(5, 40, 8, 2.5, 5), test = clusters(5, 25, 8, 2.5, 6);
        List<KnnResult> a = new KnnClassifier().evaluate(train, test);
        List<KnnResult> b;
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(threads == 1 ? 2 : 1);
            b = new KnnClassifier().evaluate(train, test);
        } finally {
            Parallel.setThreads(threads);
        }
        List<KnnResult> c = new KnnClassifier(KnnClassifier.DINO_TEMPERATURE, 7).evaluate(train, test);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).predictions(), b.get(i).predictions());
            assertArrayEquals(a.get(i).predictions(), c.get(i).predictions());
            assertEquals(a.get(i).top1(), c.get(i).top1());
        }
    }

    @Test
    void badInputIsRejected() {
        FeatureSet train = clusters(3, 5, 4, 0.1, 7);
        FeatureSet narrow = clusters(3, 5, 3, 0.1, 8);
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier().evaluate(train, narrow));
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier().evaluate(train, train, 0));
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier(0, 10));
        FeatureSet unlabelled = new FeatureSet(Tensor.zeros(2, 4), Tensor.ofLongs(new long[] {-1, 0}, 2), List.of());
        assertThrows(IllegalArgumentException.class, () -> new KnnClassifier().evaluate(unlabelled, train));
    }
}
