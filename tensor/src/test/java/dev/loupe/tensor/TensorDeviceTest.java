package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Device-aware creation and transfer on the host backend (the accelerator side is tested in gpu-backend). */
class TensorDeviceTest {
    @Test
    void creationOnADevice() {
        Tensor z = Tensor.zeros(Device.CPU, DType.F64, 3, 4);
        assertEquals(Device.CPU, z.device());
        assertArrayEquals(new double[12], z.toDoubleArray());
        assertArrayEquals(
                new long[] {5, 5}, Tensor.full(Device.CPU, DType.I32, 5, 2).toLongArray());
        assertArrayEquals(
                new int[] {2, 0, 3},
                Tensor.empty(Device.CPU, DType.BOOL, 2, 0, 3).sizes());
    }

    @Test
    void toTheSameDeviceIsTheTensorItself() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertSame(x, x.to(Device.CPU));
        assertSame(x, x.cpu());
        Tensor view = x.mT();
        assertSame(view, view.cpu(), "a host view stays a view");
    }

    @Test
    void backendsTransferWholeStorages() {
        Backend cpu = Backends.cpu();
        CpuStorage src = CpuStorage.of(new float[] {1, -2, 3});
        Storage dst = cpu.allocate(DType.F32, 3);
        cpu.upload(src, dst);
        CpuStorage back = CpuStorage.allocate(DType.F32, 3);
        cpu.download(dst, back);
        assertNotSame(src.f32(), back.f32());
        assertArrayEquals(src.f32(), back.f32());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> cpu.upload(src, cpu.allocate(DType.F32, 4)));
        assertTrue(e.getMessage().contains("3 F32") && e.getMessage().contains("4 F32"), e.getMessage());
    }

    @Test
    void unknownDevicesAreNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(new Device("nosuch", 0), DType.F32, 2));
        assertTrue(e.getMessage().contains("'nosuch'"), e.getMessage());
        Tensor x = Tensor.of(new float[] {1, 2});
        assertThrows(IllegalArgumentException.class, () -> x.to(new Device("nosuch", 1)));
    }
}
