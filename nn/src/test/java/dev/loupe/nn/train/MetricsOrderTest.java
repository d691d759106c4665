package dev.loupe.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step and evaluation metrics reach the listeners (and so metrics.jsonl and report.md) in the order the
 * objective and the evaluation gave them, in every run: Map.copyOf's order changed from JVM to JVM.
 */
class MetricsOrderTest {
    @TempDir
    Path dir;

    private static Map<String, Double> ordered(String... keys) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) m.put(keys[i], (double) i);
        return m;
    }

    @Test
    void metricsKeepTheirOrder() {
        List<String> keys = List.of("zeta", "alpha", "mid", "beta", "omega", "gamma");
        Objective<TinyClassifier.Batch> inner = TinyClassifier.objective(TinyClassifier.model(1), -1);
        Objective<TinyClassifier.Batch> objective = new Objective<>() {
            @Override
            public Module module() {
                return inner.module();
            }

            @Override
            public Map<String, Var> trainableParameters() {
                return inner.trainableParameters();
            }

            @Override
            public Var loss(TinyClassifier.Batch batch, StepInfo step) {
                return inner.loss(batch, step);
            }

            @Override
            public Map<String, Double> metrics() {
                return ordered(keys.toArray(String[]::new));
            }
        };
        TrainerConfig c =
                TrainerConfig.builder().epochs(1).maxSteps(2).lr(1e-3).seed(1).build();
        List<StepMetrics> steps = new ArrayList<>();
        List<EvalMetrics> evals = new ArrayList<>();
        new Trainer<>(objective, TinyClassifier.source(), c, dir)
                .evaluation((step, epoch) -> ordered(keys.reversed().toArray(String[]::new)))
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        steps.add(m);
                    }

                    @Override
                    public void onEval(EvalMetrics m) {
                        evals.add(m);
                    }
                })
                .fit();
        assertFalse(steps.isEmpty());
        for (StepMetrics s : steps) assertEquals(keys, List.copyOf(s.objective().keySet()));
        assertFalse(evals.isEmpty());
        for (EvalMetrics e : evals)
            assertEquals(keys.reversed(), List.copyOf(e.values().keySet()));
    }
}
