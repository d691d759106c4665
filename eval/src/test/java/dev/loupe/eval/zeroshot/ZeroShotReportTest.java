package dev.loupe.eval.zeroshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZeroShotReportTest {
    private static final ZeroShotResult RESULT = new ZeroShotResult(0.8, 0.95, 20, 6);
    private static final ClipEvaluation.LinearResult LINEAR = new ClipEvaluation.LinearResult(0.9, 100, 20, 37, false);

    @Test
    void jsonKeepsItsKeysInOrderAndTheProbeComesLast() {
        Map<String, Object> json = ZeroShotReport.json("w", "shapes/test", List.of("a", "b"), List.of("a {}."), RESULT);
        assertEquals(
                List.of("weights", "data", "classes", "templates", "top1", "top5", "count"),
                List.copyOf(json.keySet()));
        ZeroShotReport.addLinear(json, LINEAR);
        assertEquals(
                List.of("linear_top1", "linear_train_images", "linear_iterations", "linear_converged"),
                List.copyOf(json.keySet()).subList(7, 11));
        assertEquals(false, json.get("linear_converged"));
        assertEquals(20, json.get("count"));
    }

    @Test
    void linesNameTheCountsAndAccuracies() {
        assertEquals(
                String.format(
                        "zero-shot on shapes/test (20 images, 6 classes, 3 templates): top-1 0.8000, top-5 0.9500%n"),
                ZeroShotReport.line("shapes/test", 3, RESULT));
        assertEquals(
                String.format(
                        "linear probe (logistic regression on 100 train embeddings, 37 L-BFGS iterations, not converged): test top-1 0.9000%n"),
                ZeroShotReport.linearLine(LINEAR));
    }
}
