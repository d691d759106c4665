package dev.loupe.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.AtomicFile;
import dev.loupe.tensor.io.FileWriteException;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up while a checkpoint is written: one line naming the file and the last good
 * checkpoint, the half-written folder gone, {@code latest} unchanged, and a resume (once there is room)
 * that reproduces the uninterrupted run bit for bit.
 */
class CheckpointFullDiskTest {
    /** Same settings as TrainerResumeTest: 7 steps, a checkpoint every 2, 3 batches per epoch. */
    private static TrainerConfig config() {
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
                .seed(5)
                .build();
    }

    /** Checkpoint files written to a disk with {@code free} bytes left. */
    private static Checkpoint.TensorFileWriter diskWith(long free) {
        FullDisk disk = new FullDisk(free);
        return (file, tensors, metadata) ->
                AtomicFile.write(file, ch -> SafeTensors.write(disk.wrap(ch), tensors, metadata));
    }

    @Test
    void fullDiskDuringAStepCheckpointNamesTheFileAndTheLastGoodOneAndTheRunResumes(
            @TempDir Path straightDir, @TempDir Path runDir) throws IOException {
        VisionTransformer straight = TinyClassifier.model(1);
        Trainer<TinyClassifier.Batch> a =
                new Trainer<>(TinyClassifier.objective(straight, -1), TinyClassifier.source(), config(), straightDir);
        a.fit();
        Path ck2 = a.lastCheckpoint(); // every checkpoint of this run has the same file sizes
        long oneCheckpoint = Files.size(ck2.resolve(Checkpoint.MODEL))
                + Files.size(ck2.resolve(Checkpoint.OPTIMIZER))
                + Files.size(ck2.resolve(Checkpoint.TRAINER));
        long modelBytes = Files.size(ck2.resolve(Checkpoint.MODEL));

        // room for the step-2 checkpoint and the model file of the next one (step 3, the end of epoch 0); the disk
        // fills inside its optimizer file
        Path root = runDir.resolve("checkpoints");
        Checkpoint full = new Checkpoint(root, 2, diskWith(oneCheckpoint + modelBytes + 100));
        VisionTransformer interrupted = TinyClassifier.model(1);
        Trainer<TinyClassifier.Batch> b =
                new Trainer<>(TinyClassifier.objective(interrupted, -1), TinyClassifier.source(), config(), full);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, b::fit);

        Path good = root.resolve("step-0000002");
        assertEquals(
                "No space left on device while writing "
                        + root.resolve("step-0000003").resolve(Checkpoint.OPTIMIZER) + "; the last good checkpoint is "
                        + good,
                e.getMessage());
        CheckpointWriteException cause = assertInstanceOf(CheckpointWriteException.class, e.getCause());
        assertEquals(good, cause.lastGood().orElseThrow());
        assertInstanceOf(FileWriteException.class, cause.getCause());
        assertEquals(List.of("latest", "step-0000002"), listing(root), "the half-written step-3 folder is removed");
        assertEquals(
                List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.TRAINER),
                listing(good),
                "no temporary file is left");
        assertEquals(good, new Checkpoint(root, 2).latest().orElseThrow());

        // space freed: a fresh process resumes from step 2 and ends where the uninterrupted run ended
        VisionTransformer resumed = TinyClassifier.model(99);
        Trainer<TinyClassifier.Batch> c =
                new Trainer<>(TinyClassifier.objective(resumed, -1), TinyClassifier.source(), config(), runDir);
        assertTrue(c.resume(runDir));
        assertEquals(2, c.step());
        c.fit();
        TrainerResumeTest.assertBitwiseEqual(straight.stateDict(), resumed.stateDict());
        TrainerResumeTest.assertBitwiseEqual(
                a.optimizer().stateDict(), c.optimizer().stateDict());
    }

    @Test
    void fullDiskBeforeAnyCheckpointSaysNoneWasCompleted(@TempDir Path runDir) {
        Path root = runDir.resolve("checkpoints");
        Checkpoint full = new Checkpoint(root, 2, diskWith(1000));
        Trainer<TinyClassifier.Batch> t = new Trainer<>(
                TinyClassifier.objective(TinyClassifier.model(1), -1), TinyClassifier.source(), config(), full);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, t::fit);
        assertEquals(
                "No space left on device while writing "
                        + root.resolve("step-0000002").resolve(Checkpoint.MODEL)
                        + "; no checkpoint of this run was completed yet",
                e.getMessage());
    }

    @Test
    void aHalfWrittenFolderNeverTakesThePlaceOfAGoodCheckpoint(@TempDir Path root) throws IOException {
        Checkpoint ck = new Checkpoint(root, 2);
        Map<String, Tensor> w = Map.of("w", Tensor.ones(3));
        ck.write(new Checkpoint.Position(2, 0, 2), 1, Map.of(), w, Map.of());
        // left by a crash (or a delete that failed after a full disk) at step 3
        Files.createDirectories(root.resolve("step-0000003"));
        Files.write(root.resolve("step-0000003").resolve(Checkpoint.MODEL), new byte[] {8, 0});
        ck.write(new Checkpoint.Position(4, 0, 4), 1, Map.of(), w, Map.of());
        assertEquals(List.of("latest", "step-0000002", "step-0000004"), listing(root));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
