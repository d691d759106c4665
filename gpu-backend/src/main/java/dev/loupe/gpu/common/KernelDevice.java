package dev.loupe.gpu.common;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What the shared op families ({@link KernelBackend}) need from one device: buffers, launches of the
 * kernel files (compiled on first use from {@link KernelSource}), byte copies and transfers, and a
 * strided-batched GEMM. Implemented by the OpenCL device (one in-order queue) and the CUDA device (one
 * stream); everything is enqueued in order, and reads back wait for what came before.
 */
public interface KernelDevice {
    Device device();

    /** A zeroed buffer of {@code length} elements. */
    DeviceStorage allocate(DType dtype, int length);

    /** Enqueues kernel {@code name} of {@code source} with {@code args} (in the kernel's order) over {@code global} work-items. */
    void launch(KernelSource source, String name, List<KernelCall.Arg> args, long global);

    /** Enqueues a copy of {@code bytes} bytes between buffers (byte offsets). */
    void copy(DeviceStorage src, long srcOffset, DeviceStorage dst, long dstOffset, long bytes);

    /** Blocking write of host bytes into a buffer from byte 0. */
    void write(DeviceStorage dst, MemorySegment host);

    /** Blocking read of {@code host.byteSize()} bytes from byte 0 (waits for the work enqueued before). */
    void read(DeviceStorage src, MemorySegment host);

    /** The vendor GEMM, or null when there is none (products then run on the plain kernel of gemm.cl). */
    Gemm blas();

    /** The device's memory books. */
    DeviceMemory memory();
}
