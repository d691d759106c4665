package dev.loupe.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Var.moveTo on the host (the accelerator side is tested in gpu-backend's ViT training test). */
class VarMoveTest {
    @Test
    void aLeafOnItsDeviceStaysAsItIs() {
        Tensor data = Tensor.of(new float[] {1, 2, 3});
        Var p = Var.param(data);
        p.sum().backward();
        Tensor grad = p.grad();
        p.moveTo(Device.CPU);
        assertSame(data, p.data());
        assertSame(grad, p.grad());
    }

    @Test
    void onlyLeavesMove() {
        Var p = Var.param(Tensor.of(new float[] {1, 2, 3}));
        Var y = p.mul(2.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.moveTo(Device.CPU));
        assertTrue(e.getMessage().contains("only leaves move"), e.getMessage());
    }

    @Test
    void anUnknownDeviceFailsBeforeTheValueChanges() {
        Tensor data = Tensor.of(new float[] {4, 5});
        Var p = Var.param(data);
        assertThrows(IllegalArgumentException.class, () -> p.moveTo(new Device("nosuch", 0)));
        assertSame(data, p.data());
        assertEquals(Device.CPU, p.data().device());
    }
}
