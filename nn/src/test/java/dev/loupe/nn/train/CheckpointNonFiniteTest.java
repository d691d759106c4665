package dev.loupe.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.tensor.NonFiniteValueException;
import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint whose weights or optimiser state hold NaN is refused on load, naming file, tensor and index. */
class CheckpointNonFiniteTest {
    @Test
    void nanWeightsAreRefusedWithFileTensorAndIndex(@TempDir Path root) throws IOException {
        Checkpoint ck = new Checkpoint(root, 1);
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("patch_embed.proj.weight", Tensor.ones(2, 3));
        model.put("head.weight", Tensor.of(new float[] {1, 2, 3, Float.NaN, 5, Float.NaN}, 3, 2));
        Path dir = ck.write(new Checkpoint.Position(5, 0, 5), 1, Map.of(), model, Map.of("m", Tensor.zeros(2)));
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> Checkpoint.read(dir));
        assertEquals(
                "tensor 'head.weight' of " + dir.resolve(Checkpoint.MODEL) + " has NaN at index (1, 1)"
                        + " (the first of 2 non-finite values among 6)",
                e.getMessage());
    }

    @Test
    void infiniteOptimizerStateIsRefusedToo(@TempDir Path root) throws IOException {
        Checkpoint ck = new Checkpoint(root, 1);
        Path dir = ck.write(
                new Checkpoint.Position(5, 0, 5),
                1,
                Map.of(),
                Map.of("w", Tensor.ones(2)),
                Map.of("state.w.exp_avg_sq", Tensor.of(new float[] {0, Float.POSITIVE_INFINITY}, 2)));
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> Checkpoint.read(dir));
        assertEquals(
                "tensor 'state.w.exp_avg_sq' of " + dir.resolve(Checkpoint.OPTIMIZER) + " has Infinity at index (1,)"
                        + " (the first of 1 non-finite values among 2)",
                e.getMessage());
    }
}
