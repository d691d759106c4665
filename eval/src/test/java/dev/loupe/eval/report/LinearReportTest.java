package dev.loupe.eval.report;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.linear.LinearEvaluation;
import dev.loupe.eval.linear.LinearProbeConfig;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `loupe eval linear` runs through the library: both classifiers, and the three files of the result. */
class LinearReportTest {
    /** Two classes of width 3 whose means are 6 apart along the first axis. */
    private static FeatureSet twoBlobs(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 3];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int j = 0; j < 3; j++) x[i * 3 + j] = (float) ((j == 0 ? 6 * y[i] : 0) + rng.nextGaussian());
        }
        return new FeatureSet(Tensor.of(x, n, 3), Tensor.ofLongs(y, n), List.of("left", "right"));
    }

    @Test
    void bothClassifiersScoreAndTheReportRecordsWhichRan(@TempDir Path dir) throws Exception {
        FeatureSet train = twoBlobs(400, 1), test = twoBlobs(200, 2);
        LinearEvaluation sgd = LinearEvaluation.sgd(LinearProbeConfig.defaults(5, 32, 0), train, test);
        LinearEvaluation logistic = LinearEvaluation.logistic(0.316, train, test);
        for (LinearEvaluation r : List.of(sgd, logistic)) {
            assertTrue(r.top1() > 97, r.method() + ": " + r.top1());
            assertEquals(200, r.predictions().length);
        }
        assertFalse(sgd.logistic());
        assertTrue(sgd.method().startsWith("BatchNorm + linear, SGD"), sgd.method());
        assertTrue(logistic.method().contains("C 0.316"), logistic.method());

        LinearReport.write(dir, EvalReport.of("blobs", "toy", "raw"), sgd, train, test);
        EvalReport json = EvalReport.fromJson(Files.readString(dir.resolve("linear.json")));
        assertEquals(sgd.top1(), json.linearTop1(), 1e-9);
        assertNull(json.logisticTop1());
        assertTrue(Files.size(dir.resolve("confusion.png")) > 0);
        String md = Files.readString(dir.resolve("report.md"));
        assertTrue(md.contains("# Linear probe: blobs on toy") && md.contains("400 training images"), md);

        Path other = dir.resolve("logistic");
        LinearReport.write(other, EvalReport.of("blobs", "toy", "raw"), logistic, train, test);
        assertEquals(
                logistic.top1(),
                EvalReport.fromJson(Files.readString(other.resolve("linear.json")))
                        .logisticTop1(),
                1e-9);
    }
}
