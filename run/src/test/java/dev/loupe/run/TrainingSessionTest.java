package dev.loupe.run;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.autograd.Var;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.nn.train.BatchSource;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TrainingSession} in a run folder with a tiny regression: the folder's files, the refusal of a
 * second run without resume and of a resume with other settings, and a resume from a mid-run checkpoint
 * whose metrics.jsonl reads as one run (the interrupted run's later records and a cut line dropped) and
 * whose weights equal the straight run's.
 */
class TrainingSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** (lin(x) - 1)^2 averaged; x: (4, 3) random per (epoch, batch). */
    private static Objective<Tensor> objective(long initSeed) {
        Linear lin = new Linear(3, 1, true, new Rng(initSeed));
        return new Objective<>() {
            @Override
            public Module module() {
                return lin;
            }

            @Override
            public Map<String, Var> trainableParameters() {
                return lin.namedParameters();
            }

            @Override
            public Var loss(Tensor x, StepInfo step) {
                Var d = lin.forward(Var.of(x)).sub(1.0); // (4, 1)
                return d.mul(d).mean();
            }
        };
    }

    private static BatchSource<Tensor> source() {
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return 3;
            }

            @Override
            public EpochIterator<Tensor> epoch(int epoch, long startBatch) {
                List<Tensor> batches = new ArrayList<>();
                for (long i = startBatch; i < 3; i++) batches.add(Tensor.randn(new Rng(10L * epoch + i), 4, 3));
                return EpochIterator.of(batches.iterator());
            }

            @Override
            public int samplesIn(Tensor batch) {
                return batch.size(0);
            }
        };
    }

    private static TrainerConfig config() {
        return TrainerConfig.builder()
                .epochs(2)
                .maxSteps(6)
                .lr(1e-2)
                .checkpointEvery(2)
                .keepCheckpoints(10)
                .seed(3)
                .build();
    }

    private static Map<String, Object> settings(double lr) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "regression");
        s.put("lr", lr);
        return s;
    }

    private static TrainingOutcome run(
            Path dir, Map<String, Object> settings, boolean resume, Objective<Tensor> objective) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return TrainingSession.run(
                new RunDirectory(dir),
                settings,
                Map.of("threads", 1),
                resume,
                objective,
                source(),
                config(),
                null,
                1,
                2,
                quiet);
    }

    @Test
    void aRunFolderResumesAsOneRun(@TempDir Path tmp) throws IOException {
        Path straight = tmp.resolve("straight"), killed = tmp.resolve("killed");
        Objective<Tensor> a = objective(1);
        TrainingOutcome done = run(straight, settings(1e-2), false, a);
        assertEquals(6, done.steps());
        for (String f : List.of(
                "config.json",
                "metrics.jsonl",
                "plots/loss.png",
                "checkpoints/latest",
                "checkpoints/step-0000006/model.safetensors")) {
            assertTrue(Files.isRegularFile(straight.resolve(f)), f + " missing");
        }
        assertEquals(
                "regression",
                JSON.readTree(straight.resolve("config.json").toFile())
                        .path("settings")
                        .path("method")
                        .asText());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps(straight));

        run(killed, settings(1e-2), false, objective(1));
        IllegalArgumentException again =
                assertThrows(IllegalArgumentException.class, () -> run(killed, settings(1e-2), false, objective(1)));
        assertTrue(again.getMessage().contains("already holds a run"), again.getMessage());
        IllegalStateException other =
                assertThrows(IllegalStateException.class, () -> run(killed, settings(2e-2), true, objective(1)));
        assertTrue(other.getMessage().contains("lr: checkpoint 0.01, now 0.02"), other.getMessage());
        assertEquals(
                0.01,
                JSON.readTree(killed.resolve("config.json").toFile())
                        .path("settings")
                        .path("lr")
                        .asDouble(),
                "a refused resume leaves config.json as it was");

        // as if killed during step 5: checkpoints 4 and 6 gone, and a half-written record at the end
        for (String step : List.of("step-0000003", "step-0000004", "step-0000006"))
            deleteTree(killed.resolve("checkpoints").resolve(step));
        Files.writeString(killed.resolve("checkpoints/latest"), "step-0000002\n");
        Files.writeString(killed.resolve("metrics.jsonl"), "{\"type\": \"st", StandardOpenOption.APPEND);
        Objective<Tensor> c = objective(99);
        TrainingOutcome resumed = run(killed, settings(1e-2), true, c);
        assertEquals(2, resumed.resumedFrom());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps(killed));
        a.module()
                .stateDict()
                .forEach((k, t) -> assertArrayEquals(
                        t.toFloatArray(), c.module().stateDict().get(k).toFloatArray(), k));
        assertTrue(SafeTensors.read(killed.resolve("checkpoints/step-0000006/model.safetensors"))
                .containsKey("weight"));
    }

    private static List<Long> steps(Path run) throws IOException {
        List<Long> steps = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode r = JSON.readTree(line);
            if (r.get("type").asText().equals("step")) steps.add(r.get("step").asLong());
        }
        return steps;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
