package dev.loupe.gpu.opencl;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Storage;
import dev.loupe.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/** A device buffer (cl_mem) holding {@code length} elements of one dtype; only the OpenCL backend reads it. */
final class OpenClStorage implements Storage {
    private final OpenClDevice owner;
    private final DType dtype;
    private final int length;
    private MemorySegment mem;

    /** A storage whose buffer is attached next: the buffer's release is tied to this object. */
    OpenClStorage(OpenClDevice owner, DType dtype, int length) {
        this.owner = owner;
        this.dtype = dtype;
        this.length = length;
    }

    void attach(MemorySegment buffer) {
        if (mem != null) throw new IllegalStateException("storage already has a buffer");
        mem = buffer;
    }

    @Override public DType dtype() { return dtype; }

    @Override public int length() { return length; }

    @Override public Device device() { return owner.device(); }

    MemorySegment mem() { return mem; }

    OpenClDevice owner() { return owner; }

    /** The buffer of a tensor that must live on this backend's device. */
    static OpenClStorage of(Tensor t, OpenClDevice expected) {
        if (!(t.storage() instanceof OpenClStorage s) || s.owner != expected) {
            throw new IllegalArgumentException("opencl: a tensor " + t.shape() + " on " + t.device() + " was handed to "
                    + expected.device() + "; move it with to(device) first");
        }
        return s;
    }

    @Override
    public String toString() { return "OpenClStorage(" + length + " " + dtype + " on " + owner.device() + ")"; }
}
