package dev.loupe.gpu.common;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * gather, scatter_add and index_select (indexing.cl). The kernels flag an index outside its dim in a
 * one-int buffer that is read back after the launch, so a bad index is an error here as on the host
 * (one small blocking read per call).
 */
final class DeviceIndexing {
    private final KernelDevice device;

    DeviceIndexing(KernelDevice device) {
        this.device = device;
    }

    private KernelCall call(Tensor values, Tensor index, String kernel) {
        return new KernelCall(device, new KernelSource("indexing.cl", values.dtype(), null, index.dtype()), kernel);
    }

    /** x's strides over another tensor's sizes, with dim d's stride 0 (the index supplies that coordinate). */
    private static KernelLayout withoutDim(int[] sizes, Tensor x, int d) {
        int[] strides = x.strides();
        strides[d] = 0;
        return KernelLayout.of(sizes, strides, x.offset());
    }

    void gather(Tensor x, int dim, Tensor index, Tensor out) {
        DeviceStorage bad = device.allocate(DType.I32, 1);
        call(x, index, "gather")
                .buffer(x)
                .layout(withoutDim(index.sizes(), x, dim))
                .i32(x.stride(dim))
                .i32(x.size(dim))
                .view(index)
                .view(out)
                .buffer(bad)
                .run(out.numel());
        check(bad, "gather", x, dim, index);
    }

    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src) {
        int[] lines = index.sizes();
        lines[dim] = 1;
        DeviceStorage bad = device.allocate(DType.I32, 1);
        int[] srcStrides = src.strides(), indexStrides = index.strides();
        call(out, index, "scatter_add")
                .buffer(out)
                .layout(withoutDim(lines, out, dim))
                .i32(out.stride(dim))
                .i32(out.size(dim))
                .buffer(index)
                .layout(KernelLayout.of(lines, indexStrides, index.offset()))
                .i32(index.stride(dim))
                .buffer(src)
                .layout(KernelLayout.of(lines, srcStrides, src.offset()))
                .i32(src.stride(dim))
                .i32(index.size(dim))
                .buffer(bad)
                .run(index.size(dim) == 0 ? 0 : index.numel() / index.size(dim));
        check(bad, "scatter_add", out, dim, index);
    }

    void indexSelect(Tensor x, int dim, Tensor index, Tensor out) {
        int inner = 1;
        for (int i = dim + 1; i < out.rank(); i++) inner *= out.size(i);
        DeviceStorage bad = device.allocate(DType.I32, 1);
        call(x, index, "index_select")
                .buffer(x)
                .layout(withoutDim(out.sizes(), x, dim))
                .i32(x.stride(dim))
                .i32(x.size(dim))
                .buffer(index)
                .i32(index.offset())
                .i32(index.stride(0))
                .i32(inner)
                .i32(Math.max(1, index.size(0)))
                .view(out)
                .buffer(bad)
                .run(out.numel());
        check(bad, "index_select", x, dim, index);
    }

    private void check(DeviceStorage bad, String op, Tensor x, int dim, Tensor index) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(JAVA_INT);
            device.read(bad, flag);
            Reference.reachabilityFence(bad);
            if (flag.get(JAVA_INT, 0) != 0) {
                throw new IndexOutOfBoundsException(op + ": an index in " + index.shape() + " is outside [0, "
                        + x.size(dim) + ") for dim " + dim + " of " + x.shape());
            }
        }
    }
}
