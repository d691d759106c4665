package dev.loupe.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void buffersAreReadBackByName() {
        BatchNorm1d bn = new BatchNorm1d(4);
        Tensor mean = bn.runningMean();
        assertSame(mean, bn.stateDict().get("running_mean"));
        bn.to(Device.CPU);
        assertSame(mean, bn.runningMean(), "a buffer on its device stays");
        bn.forward(Var.of(Tensor.randn(new Rng(2), 5, 4)));
        assertEquals(1, bn.numBatchesTracked());
    }

    @Test
    void anUnknownDeviceIsNamed() {
        BatchNorm1d bn = new BatchNorm1d(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bn.to(new Device("nosuch", 0)));
        assertTrue(e.getMessage().contains("'nosuch'"), e.getMessage());
    }
}
