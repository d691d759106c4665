package dev.loupe.gpu.opencl;

import dev.loupe.gpu.opencl.internal.Cl;
import dev.loupe.gpu.opencl.internal.ClException;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The buffers of one OpenCL context and the bytes they hold. A buffer is released by a {@link Cleaner}
 * once the object that owns it is unreachable (OpenCL defers the release until queued commands using it
 * finish). The Java collector knows nothing of device memory, so a request that would pass the budget
 * (90% of the device's global memory, or -Dloupe.opencl.maxBytes), or that the driver refuses, first
 * asks for a collection and waits for unreachable buffers to go; if live tensors still hold too much,
 * {@link DeviceOutOfMemoryException} says how much was asked, how much is live and the budget.
 *
 * <p>Threading: any thread may allocate; releases run on the Cleaner's thread.
 */
final class DeviceMemory {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int CL_MEM_OBJECT_ALLOCATION_FAILURE = -4, CL_OUT_OF_RESOURCES = -5;
    /** Collections tried before giving up, waiting a little longer after each. */
    private static final int COLLECTIONS = 8;

    private final Cl cl;
    private final MemorySegment context;
    private final long budget;
    private final String deviceName;
    private final AtomicLong inUse = new AtomicLong(), peak = new AtomicLong();

    DeviceMemory(Cl cl, MemorySegment context, long budget, String deviceName) {
        this.cl = cl;
        this.context = context;
        this.budget = budget;
        this.deviceName = deviceName;
    }

    /** The default budget for a device with {@code globalMemory} bytes. */
    static long defaultBudget(long globalMemory) {
        return Long.getLong("loupe.opencl.maxBytes", globalMemory / 10 * 9);
    }

    /** A new buffer of {@code bytes} bytes, released when {@code owner} becomes unreachable. */
    MemorySegment allocate(long bytes, Object owner) {
        if (inUse.get() + bytes > budget) collectUntil(budget - bytes);
        if (inUse.get() + bytes > budget) throw outOfMemory(bytes, null);
        MemorySegment mem;
        try {
            mem = cl.createBuffer(context, bytes);
        } catch (ClException e) {
            if (e.code() != CL_MEM_OBJECT_ALLOCATION_FAILURE && e.code() != CL_OUT_OF_RESOURCES) throw e;
            collectUntil(inUse.get() - bytes);
            try {
                mem = cl.createBuffer(context, bytes);
            } catch (ClException again) {
                throw outOfMemory(bytes, again);
            }
        }
        peak.accumulateAndGet(inUse.addAndGet(bytes), Math::max);
        CLEANER.register(owner, new Release(cl, mem, bytes, inUse));
        return mem;
    }

    /** Bytes held by buffers not yet released. */
    long inUse() { return inUse.get(); }

    /** The most bytes held at once. */
    long peak() { return peak.get(); }

    long budget() { return budget; }

    private record Release(Cl cl, MemorySegment mem, long bytes, AtomicLong inUse) implements Runnable {
        @Override
        public void run() {
            cl.releaseMem(mem);
            inUse.addAndGet(-bytes);
        }
    }

    /** Collects garbage until at most {@code goal} bytes are held or the tries run out. */
    private void collectUntil(long goal) {
        for (int i = 0; i < COLLECTIONS && inUse.get() > goal; i++) {
            System.gc();
            try {
                Thread.sleep(1L << i);   // the Cleaner thread releases what the collection found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private DeviceOutOfMemoryException outOfMemory(long bytes, ClException cause) {
        return new DeviceOutOfMemoryException(deviceName + " out of memory: asked for " + mib(bytes) + ", live tensors hold "
                + mib(inUse.get()) + " of a " + mib(budget) + " budget (-Dloupe.opencl.maxBytes)"
                + (cause == null ? "" : "; the driver said " + cause.getMessage()), cause);
    }

    private static String mib(long bytes) { return String.format("%.2f MiB", bytes / 1048576.0); }
}
