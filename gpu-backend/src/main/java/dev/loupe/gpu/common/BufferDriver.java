package dev.loupe.gpu.common;

import java.lang.foreign.MemorySegment;

/** How one device makes and frees raw buffers (clCreateBuffer / clReleaseMemObject, cuMemAlloc / cuMemFree). */
public interface BufferDriver {
    /** A new buffer of {@code bytes} bytes, or null when the driver has no room for it; other failures throw. */
    MemorySegment create(long bytes);

    /** Gives a buffer back to the driver (which may defer it until queued work using it is done). */
    void release(MemorySegment buffer);
}
