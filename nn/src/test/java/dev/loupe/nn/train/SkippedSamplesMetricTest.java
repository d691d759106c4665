package dev.loupe.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad samples a source skipped reach every step's metrics as skipped_samples (so metrics.jsonl and
 * report.md show them), also through {@link BatchSource#map}, and are absent while there are none.
 */
class SkippedSamplesMetricTest {
    @TempDir
    Path dir;

    @Test
    void skippedSamplesAppearInStepMetricsOnceThereAreAny() {
        AtomicLong skipped = new AtomicLong();
        BatchSource<TinyClassifier.Batch> inner = TinyClassifier.source();
        BatchSource<TinyClassifier.Batch> counting = new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return inner.batchesPerEpoch();
            }

            @Override
            public EpochIterator<TinyClassifier.Batch> epoch(int epoch, long startBatch) {
                return inner.epoch(epoch, startBatch);
            }

            @Override
            public int samplesIn(TinyClassifier.Batch batch) {
                return inner.samplesIn(batch);
            }

            @Override
            public long skippedSamples() {
                return skipped.getAndAdd(2);
            } // 0, 2, 4: two more per step
        };
        TrainerConfig c =
                TrainerConfig.builder().epochs(1).maxSteps(3).lr(1e-3).seed(1).build();
        List<StepMetrics> steps = new ArrayList<>();
        new Trainer<>(TinyClassifier.objective(TinyClassifier.model(1), -1), counting.map(b -> b), c, dir)
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics m) {
                        steps.add(m);
                    }
                })
                .fit();
        assertEquals(3, steps.size());
        assertFalse(
                steps.get(0).objective().containsKey("skipped_samples"),
                steps.get(0).objective().toString());
        assertEquals(2.0, steps.get(1).objective().get("skipped_samples"));
        assertEquals(4.0, steps.get(2).objective().get("skipped_samples"));
    }
}
