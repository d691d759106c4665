package dev.loupe.eval.knn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Weighted kNN against DINO's knn_classifier run in torch on the same features. Fixture made by
 * tools/golden/make_eval_fixtures.py (Debian python3-torch 1.13). Predictions must agree exactly:
 * the data has no near-ties, so float32 summation order cannot change a neighbour or a winner.
 */
class KnnGoldenTest {
    private static Map<String, Tensor> fixture;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafeTensors.read(Path.of(KnnGoldenTest.class
                .getResource("/golden/eval_fixtures.safetensors")
                .toURI()));
    }

    @Test
    void predictionsAndAccuraciesMatchDino() {
        List<String> names = List.of("a", "b", "c", "d", "e", "f", "g");
        FeatureSet train = new FeatureSet(fixture.get("knn.train_x"), fixture.get("knn.train_y"), names);
        FeatureSet test = new FeatureSet(fixture.get("knn.test_x"), fixture.get("knn.test_y"), names);
        List<KnnResult> results = new KnnClassifier().evaluate(train, test);
        assertEquals(4, results.size());
        for (KnnResult r : results) {
            long[] expected = fixture.get("knn.pred_" + r.k()).toLongArray();
            int[] exp = new int[expected.length];
            for (int i = 0; i < exp.length; i++) exp[i] = (int) expected[i];
            assertArrayEquals(exp, r.predictions(), "predictions at k=" + r.k());
            assertEquals(fixture.get("knn.top1_" + r.k()).item(), r.top1(), 1e-9, "top-1 at k=" + r.k());
            assertEquals(fixture.get("knn.top5_" + r.k()).item(), r.top5(), 1e-9, "top-5 at k=" + r.k());
        }
    }
}
