package dev.loupe.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume: 7 steps straight (3 batches per epoch, so the run crosses two epoch ends) against a
 * run killed after step 5 (last checkpoint at step 4, mid-epoch), with a half-written checkpoint for
 * step 6 left behind, then resumed in a fresh model and trainer. Drop path is on, so the
 * per-step reseeding is exercised; weights and optimiser state must match bit for bit.
 */
class TrainerResumeTest {
    private static final class Killed extends RuntimeException {}

    private static TrainerConfig config(long seed) {
        return TrainerConfig.builder()
                .epochs(3)
                .maxSteps(7)
                .lr(3e-3)
                .minLr(1e-4)
                .warmupSteps(2)
                .weightDecay(0.04)
                .weightDecayEnd(0.4)
                .clip(GradClipMode.PER_PARAMETER, 3.0)
                .checkpointEvery(2)
                .keepCheckpoints(2)
                .seed(seed)
                .build();
    }

    private static Trainer<TinyClassifier.Batch> trainer(VisionTransformer vit, TrainerConfig c, Path runDir) {
        return new Trainer<>(TinyClassifier.objective(vit, -1), TinyClassifier.source(), c, runDir);
    }

    @Test
    void resumedRunMatchesStraightRunBitwise(@TempDir Path straightDir, @TempDir Path runDir) throws IOException {
        VisionTransformer straight = TinyClassifier.model(1);
        Trainer<TinyClassifier.Batch> a = trainer(straight, config(5), straightDir);
        a.fit();
        assertEquals(7, a.step());

        VisionTransformer killed = TinyClassifier.model(1);
        Trainer<TinyClassifier.Batch> b = trainer(killed, config(5), runDir);
        b.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == 5) throw new Killed();
            }
        });
        assertThrows(Killed.class, b::fit);
        // a crash while writing step 6: a temp file and a truncated model file, "latest" still at step 4
        Path partial = Files.createDirectories(runDir.resolve("checkpoints/step-0000006"));
        Files.write(partial.resolve(".model.safetensors.tmp-1f2e3d"), new byte[] {1, 2, 3});
        Files.write(partial.resolve("model.safetensors"), new byte[] {8, 0, 0});

        VisionTransformer resumedModel = TinyClassifier.model(99);
        Trainer<TinyClassifier.Batch> c = trainer(resumedModel, config(5), runDir);
        assertTrue(c.resume(runDir));
        assertEquals(4, c.step());
        assertEquals(1, c.epoch());
        assertTrue(c.lastCheckpoint().endsWith("step-0000004"));
        c.fit();

        assertBitwiseEqual(straight.stateDict(), resumedModel.stateDict());
        assertBitwiseEqual(a.optimizer().stateDict(), c.optimizer().stateDict());
        // each checkpoint's model file carries the backbone's metadata: it reads back alone
        Path model = runDir.resolve("checkpoints/step-0000006/model.safetensors");
        assertEquals(
                dev.loupe.nn.VitWeights.metadata(resumedModel.config()),
                dev.loupe.tensor.io.SafeTensors.readMetadata(model));
        assertEquals(
                resumedModel.config().withDropPath(0),
                dev.loupe.nn.VitWeights.read(model).config());
        // two kept, the partial folder replaced by the real step-6 checkpoint
        assertEquals(List.of("latest", "step-0000006", "step-0000007"), listing(runDir.resolve("checkpoints")));
        assertEquals(
                List.of(),
                listing(runDir.resolve("checkpoints/step-0000006")).stream()
                        .filter(n -> n.contains(".tmp-"))
                        .toList());
    }

    @Test
    void theSeedDrivesDropPath() {
        VisionTransformer s5 = TinyClassifier.model(1), s6 = TinyClassifier.model(1);
        trainer(s5, config(5), null).fit();
        trainer(s6, config(6), null).fit();
        // same init and data; only the drop-path streams differ
        assertFalse(java.util.Arrays.equals(
                s5.stateDict().get("head.weight").toFloatArray(),
                s6.stateDict().get("head.weight").toFloatArray()));
    }

    @Test
    void resumeRefusesChangedSettings(@TempDir Path runDir) {
        trainer(TinyClassifier.model(1), config(5), runDir).fit();
        TrainerConfig other = TrainerConfig.builder()
                .epochs(3)
                .maxSteps(7)
                .lr(1e-2)
                .minLr(1e-4)
                .warmupSteps(2)
                .weightDecay(0.04)
                .weightDecayEnd(0.4)
                .clip(GradClipMode.PER_PARAMETER, 3.0)
                .checkpointEvery(2)
                .keepCheckpoints(2)
                .seed(5)
                .build();
        Trainer<TinyClassifier.Batch> t = trainer(TinyClassifier.model(1), other, runDir);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.resume(runDir));
        assertTrue(e.getMessage().contains("lr: checkpoint 0.003, now 0.01"), e.getMessage());
    }

    @Test
    void nonFiniteLossNamesStepAndLastCheckpoint(@TempDir Path runDir) {
        VisionTransformer vit = TinyClassifier.model(1);
        Trainer<TinyClassifier.Batch> t =
                new Trainer<>(TinyClassifier.objective(vit, 4), TinyClassifier.source(), config(5), runDir);
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, t::fit);
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("at step 4"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(runDir.resolve("checkpoints/step-0000004").toString()),
                e.getMessage());
        assertEquals(runDir.resolve("checkpoints/step-0000004"), e.lastCheckpoint());
    }

    @Test
    void resumeWithoutCheckpointStartsFresh(@TempDir Path runDir) {
        assertFalse(trainer(TinyClassifier.model(1), config(5), runDir).resume(runDir));
    }

    @Test
    void runSettingsAreCheckedOnResumeAndCheckpointsWithoutThemStillResume(
            @TempDir Path runDir, @TempDir Path legacyDir) {
        trainer(TinyClassifier.model(1), config(5), runDir)
                .runSettings(Map.of("data", "a", "dim", "16"))
                .fit();
        Trainer<TinyClassifier.Batch> other =
                trainer(TinyClassifier.model(1), config(5), runDir).runSettings(Map.of("data", "b", "dim", "16"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.resume(runDir));
        assertTrue(e.getMessage().contains("data: checkpoint a, now b"), e.getMessage());
        assertTrue(trainer(TinyClassifier.model(1), config(5), runDir)
                .runSettings(Map.of("data", "a", "dim", "16"))
                .resume(runDir));

        // a checkpoint written before run settings were stored is compared on the trainer's settings alone
        trainer(TinyClassifier.model(1), config(5), legacyDir).fit();
        assertTrue(trainer(TinyClassifier.model(1), config(5), legacyDir)
                .runSettings(Map.of("data", "a"))
                .resume(legacyDir));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void assertBitwiseEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        List<String> differ = new ArrayList<>();
        expected.forEach((k, t) -> {
            Tensor u = actual.get(k);
            if (!t.shape().equals(u.shape()) || !java.util.Arrays.equals(bits(t), bits(u))) differ.add(k);
        });
        assertEquals(List.of(), differ, "entries that differ");
    }

    private static long[] bits(Tensor t) {
        return switch (t.dtype()) {
            case I64, I32 -> t.toLongArray();
            default -> {
                float[] f = t.toFloatArray();
                long[] out = new long[f.length];
                for (int i = 0; i < f.length; i++) out[i] = Float.floatToRawIntBits(f[i]);
                yield out;
            }
        };
    }
}
