package dev.loupe.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.gpu.common.DeviceMemory;
import dev.loupe.gpu.common.DeviceOutOfMemoryException;
import dev.loupe.gpu.common.KernelBackend;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.lang.ref.Reference;
import org.junit.jupiter.api.Test;

/** Device memory accounting: unreachable buffers are reclaimed on demand, live ones give an error with the sizes. */
class OpenClMemoryTest {
    private static final long KIB = 1024, MIB = 1024 * KIB;

    @Test
    void reclaimsGarbageAndNamesTheSizesWhenLiveTensorsFillTheBudget() {
        if (!OpenClTestDevice.ready("reclaimsGarbageAndNamesTheSizesWhenLiveTensorsFillTheBudget")) return;
        OpenClDevice device =
                ((OpenClDevice) ((KernelBackend) new OpenClProvider().open(0).orElseThrow()).kernelDevice());
        DeviceMemory memory = new DeviceMemory(
                new OpenClDevice.Buffers(device.cl(), device.context()),
                MIB,
                "opencl:0 (1 MiB test budget)",
                "loupe.opencl.maxBytes");
        Object live = new Object();
        memory.allocate(600 * KIB, live);
        assertEquals(600 * KIB, memory.inUse());
        DeviceOutOfMemoryException e =
                assertThrows(DeviceOutOfMemoryException.class, () -> memory.allocate(600 * KIB, new Object()));
        assertTrue(
                e.getMessage()
                        .contains(
                                "out of memory: asked for 0.59 MiB (a 0.59 MiB buffer), live tensors hold 0.59 MiB of a 1.00 MiB budget"),
                e.getMessage());
        // 300 KiB buffers whose owners die at once: the second already needs the first one's release
        for (int i = 0; i < 6; i++) memory.allocate(300 * KIB, new Object());
        assertTrue(memory.peak() <= MIB, "peak " + memory.peak() + " stayed within the budget");
        assertTrue(memory.inUse() >= 900 * KIB, "the live buffer and the last one are held");
        Reference.reachabilityFence(live);
    }

    @Test
    void tensorsCountTheirBytes() {
        if (!OpenClTestDevice.ready("tensorsCountTheirBytes")) return;
        DeviceMemory memory =
                ((OpenClDevice) ((KernelBackend) new OpenClProvider().open(0).orElseThrow()).kernelDevice()).memory();
        long before = memory.inUse();
        Tensor t = Tensor.zeros(OpenClTestDevice.DEVICE, DType.F32, 1000, 257);
        assertTrue(memory.inUse() - before >= 1000 * 257 * 4, "a 1000 x 257 F32 tensor holds its 1028000 bytes");
        assertTrue(memory.peak() >= memory.inUse());
        Reference.reachabilityFence(t);
    }

    @Test
    void aTrainingLoopIsServedFromTheCacheAndReportsItsUsage() {
        if (!OpenClTestDevice.ready("aTrainingLoopIsServedFromTheCacheAndReportsItsUsage")) return;
        DeviceMemory memory =
                ((OpenClDevice) ((KernelBackend) new OpenClProvider().open(0).orElseThrow()).kernelDevice()).memory();
        Tensor w = Tensor.ones(17, 33).to(OpenClTestDevice.DEVICE);
        for (int step = 0; step < 200; step++) {
            w = w.mul(0.5).add(0.5).sub(w.mul(0)); // temporaries of one size class, dropped each step
            if (step % 20 == 0) System.gc();
        }
        assertEquals(17 * 33, w.sum(false).item(), 1e-3, "the values survive buffer reuse");
        assertTrue(memory.servedFromCache() > 0, "some requests were served from the cache");
        var usage =
                dev.loupe.tensor.Backends.memoryUsage(OpenClTestDevice.DEVICE).orElseThrow();
        assertTrue(
                usage.reserved() >= usage.allocated() && usage.peak() >= usage.allocated() && usage.budget() > 0,
                usage.toString());
        assertTrue(
                dev.loupe.tensor.Backends.describe().stream()
                        .anyMatch(l -> l.startsWith("opencl:0 memory: ") && l.contains("in use (peak")),
                dev.loupe.tensor.Backends.describe().toString());
    }
}
