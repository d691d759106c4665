package dev.loupe.gpu.common;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;

/**
 * One kernel launch: arguments appended in the kernel's order, then {@link #run} with the number of
 * work-items. Each argument is its size and a pointer to its value, which is what both clSetKernelArg
 * and cuLaunchKernel's kernelParams take: buffers as a pointer to their handle (cl_mem or CUdeviceptr;
 * a null tensor as a pointer to a null handle), layouts as the 72-byte struct by value, scalars of the
 * program's element type T in T's width.
 */
public final class KernelCall {
    /** Work-items are launched in multiples of this; kernels return for ids past their n. */
    private static final int ROUND = 64;

    public record Arg(long size, MemorySegment value) {}

    private final KernelDevice device;
    private final KernelSource source;
    private final String name;
    private final DType t;
    private final Arena arena = Arena.ofConfined();
    private final List<Arg> args = new ArrayList<>();
    /** The storages whose handles are arguments: kept reachable until enqueued, or the Cleaner could release them first. */
    private final List<DeviceStorage> storages = new ArrayList<>();

    KernelCall(KernelDevice device, KernelSource source, String name) {
        this.device = device;
        this.source = source;
        this.name = name;
        this.t = source.t();
    }

    /** A tensor's buffer then its coalesced layout. */
    KernelCall view(Tensor x) {
        return buffer(x).layout(KernelLayout.of(x));
    }

    /** A tensor's buffer, or a null handle for a null tensor. */
    KernelCall buffer(Tensor x) {
        if (x == null) return add(ADDRESS.byteSize(), arena.allocateFrom(ADDRESS, MemorySegment.NULL));
        return buffer(DeviceStorage.of(x, device));
    }

    KernelCall buffer(DeviceStorage s) {
        storages.add(s);
        return add(ADDRESS.byteSize(), arena.allocateFrom(ADDRESS, s.mem()));
    }

    KernelCall layout(KernelLayout l) {
        return add(KernelLayout.BYTES, l.write(arena));
    }

    /** The layout of a tensor that may be null (an all-zero layout then). */
    KernelCall layoutOrEmpty(Tensor x) {
        return layout(x == null ? new KernelLayout(0, 0, new int[0], new int[0]) : KernelLayout.of(x));
    }

    KernelCall i32(int v) {
        return add(4, arena.allocateFrom(JAVA_INT, v));
    }

    KernelCall flag(boolean v) {
        return i32(v ? 1 : 0);
    }

    /** A scalar of the program's element type T. */
    KernelCall scalar(double v) {
        return switch (t) {
            case F32 -> add(4, arena.allocateFrom(JAVA_FLOAT, (float) v));
            case F64 -> add(8, arena.allocateFrom(JAVA_DOUBLE, v));
            case I32 -> add(4, arena.allocateFrom(JAVA_INT, (int) v));
            case I64 -> add(8, arena.allocateFrom(JAVA_LONG, (long) v));
            case BOOL -> add(1, arena.allocateFrom(JAVA_BYTE, (byte) (v != 0 ? 1 : 0)));
        };
    }

    private KernelCall add(long size, MemorySegment value) {
        args.add(new Arg(size, value));
        return this;
    }

    /** Appends n (every kernel's last argument), enqueues n work-items (nothing when n is 0), frees the argument memory. */
    void run(int n) {
        try {
            i32(n);
            if (n > 0) device.launch(source, name, args, ((long) n + ROUND - 1) / ROUND * ROUND);
        } finally {
            arena.close();
            Reference.reachabilityFence(storages);
        }
    }
}
