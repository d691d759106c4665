package dev.loupe.nn;

import dev.loupe.tensor.Device;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Module.to on the host; moving to an accelerator is tested in gpu-backend's ViT training test. */
class ModuleToTest {
    @Test
    void movingToTheHostKeepsEveryParameter() {
        VisionTransformer m = new VisionTransformer(ViTConfig.of(16, 4, 3, 48, 2, 3, 10), new Rng(1));
        Map<String, Tensor> before = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> before.put(k, v.data()));
        assertSame(m, m.to(Device.CPU));
        m.namedParameters().forEach((k, v) -> assertSame(before.get(k), v.data(), k));
    }

    @Test
    void aBufferThatCannotMoveIsNamedBeforeAnythingMoves() {
        BatchNorm1d bn = new BatchNorm1d(4);
        Tensor weight = bn.weight.data();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> bn.to(new Device("opencl", 0)));
        assertTrue(e.getMessage().contains("'running_mean'"), e.getMessage());
        assertSame(weight, bn.weight.data(), "no parameter moved");
        assertEquals(Device.CPU, bn.bias.data().device());
    }
}
