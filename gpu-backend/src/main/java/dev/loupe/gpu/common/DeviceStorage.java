package dev.loupe.gpu.common;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Storage;
import dev.loupe.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/** A device buffer (a cl_mem or a CUdeviceptr, as an address) holding {@code length} elements of one dtype; only its backend reads it. */
public final class DeviceStorage implements Storage {
    private final KernelDevice owner;
    private final DType dtype;
    private final int length;
    private MemorySegment mem;

    /** A storage whose buffer is attached next: the buffer's release is tied to this object. */
    public DeviceStorage(KernelDevice owner, DType dtype, int length) {
        this.owner = owner;
        this.dtype = dtype;
        this.length = length;
    }

    public void attach(MemorySegment buffer) {
        if (mem != null) throw new IllegalStateException("storage already has a buffer");
        mem = buffer;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public Device device() {
        return owner.device();
    }

    public MemorySegment mem() {
        return mem;
    }

    public KernelDevice owner() {
        return owner;
    }

    /** The buffer of a tensor that must live on this backend's device. */
    public static DeviceStorage of(Tensor t, KernelDevice expected) {
        if (!(t.storage() instanceof DeviceStorage s) || s.owner != expected) {
            throw new IllegalArgumentException("a tensor " + t.shape() + " on " + t.device() + " was handed to "
                    + expected.device() + "; move it with to(" + expected.device() + ") first");
        }
        return s;
    }

    @Override
    public String toString() {
        return "DeviceStorage(" + length + " " + dtype + " on " + owner.device() + ")";
    }
}
