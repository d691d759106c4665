package dev.loupe.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.gpu.common.DeviceElementwise;
import dev.loupe.gpu.common.DeviceMatmul;
import dev.loupe.gpu.common.KernelBackend;
import dev.loupe.gpu.opencl.internal.ClException;
import dev.loupe.gpu.suite.DeviceTwin;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The binding's errors, the device listing, the one-context-per-device registry and the plain GEMM fallback. */
class OpenClBindingTest {
    private static OpenClDevice device() {
        return ((OpenClDevice) ((KernelBackend) new OpenClProvider().open(0).orElseThrow()).kernelDevice());
    }

    @Test
    void buildFailureNamesTheCallTheCodeAndTheLog() {
        if (!OpenClTestDevice.ready("buildFailureNamesTheCallTheCodeAndTheLog")) return;
        OpenClDevice dev = device();
        ClException e = assertThrows(ClException.class, () -> dev.cl()
                .buildProgram(dev.context(), dev.id(), "__kernel void broken( { }", "", "broken.cl"));
        assertEquals(-11, e.code());
        assertTrue(
                e.getMessage().contains("clBuildProgram(broken.cl")
                        && e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE")
                        && e.getMessage().contains("build log"),
                e.getMessage());
        ClException alloc = assertThrows(ClException.class, () -> dev.cl().createBuffer(dev.context(), 0));
        assertTrue(
                alloc.getMessage().contains("clCreateBuffer(0 bytes)")
                        && alloc.getMessage().contains("CL_INVALID_BUFFER_SIZE"),
                alloc.getMessage());
    }

    @Test
    void devicesAreListedAndOpenedOnce() {
        if (!OpenClTestDevice.ready("devicesAreListedAndOpenedOnce")) return;
        List<String> lines = Backends.describe();
        assertTrue(lines.stream().anyMatch(l -> l.equals("opencl: available")), lines.toString());
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.contains("opencl:0 ")
                                && l.contains("MiB")
                                && l.contains("compute units")
                                && (l.contains("GEMM through CLBlast") || l.contains("GEMM by a plain kernel"))),
                lines.toString());
        assertSame(device(), device(), "one OpenClDevice per index");
        assertTrue(new OpenClProvider().open(1000).isEmpty());
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> Backends.forDevice(new Device("opencl", 1000)));
        assertTrue(e.getMessage().contains("no opencl device 1000"), e.getMessage());
    }

    @Test
    void plainGemmKernelMatchesTheHost() {
        if (!OpenClTestDevice.ready("plainGemmKernelMatchesTheHost")) return;
        OpenClDevice dev = device();
        DeviceElementwise elementwise = new DeviceElementwise(dev);
        DeviceMatmul plain = new DeviceMatmul(dev, elementwise, false);
        Rng rng = new Rng(41);
        Tensor a = DeviceTwin.randn(rng, 3, 9, 6), b = DeviceTwin.randn(rng, 6, 10), bias = DeviceTwin.randn(rng, 10);
        Tensor da = a.to(OpenClTestDevice.DEVICE), db = b.to(OpenClTestDevice.DEVICE);
        Tensor out = Tensor.zeros(OpenClTestDevice.DEVICE, DType.F32, 3, 10, 9);
        plain.matmul(db.mT().expand(3, 10, 6), da.mT(), out);
        DeviceTwin.agree("plain kernel, transposed and broadcast operands", b.mT().matmul(a.mT()), out);
        Tensor lin = Tensor.zeros(OpenClTestDevice.DEVICE, DType.F32, 9, 10);
        plain.matmulBias(da.select(0, 1), db, bias.to(OpenClTestDevice.DEVICE), lin);
        DeviceTwin.agree("plain kernel with bias", a.select(0, 1).matmul(b).add(bias), lin);
    }
}
