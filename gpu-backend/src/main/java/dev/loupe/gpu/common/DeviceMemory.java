package dev.loupe.gpu.common;

import dev.loupe.tensor.DeviceMemoryUsage;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A caching allocator for one device, as PyTorch's CUDA caching allocator: a request is rounded up to a
 * size class (512 bytes up to 1 MiB, then eight steps per power of two, so at most 1/8 is wasted), a
 * buffer whose owner became unreachable goes back to the free list of its class (a {@link Cleaner}
 * returns it), and the next request of that class takes it instead of asking the driver. A training
 * step repeats the same sizes, so after the first step nearly every request is served from the cache.
 *
 * <p>Reuse is safe without events because each backend runs its work in order on one queue (stream):
 * whatever a new owner enqueues runs after what the old owner enqueued.
 *
 * <p>The Java collector knows nothing of device memory, so a request that would take the reserved bytes
 * (live plus cached) past the budget, or that the driver refuses, first gives the cached buffers back to
 * the driver, then asks for a collection and waits for unreachable buffers to return, up to
 * {@value #COLLECTIONS} times; if live tensors still hold too much, {@link DeviceOutOfMemoryException}
 * says how much was asked, how much is live and the budget. {@link #emptyCache} gives the cache back on demand.
 *
 * <p>Threading: any thread may allocate; returns run on the Cleaner's thread; the books are guarded by this object.
 */
public final class DeviceMemory {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int COLLECTIONS = 8;
    private static final long SMALL = 1 << 20, SMALL_STEP = 512;

    private final BufferDriver driver;
    private final long budget;
    private final String deviceName, budgetProperty;
    private final Map<Long, ArrayDeque<MemorySegment>> free = new HashMap<>();
    private long allocated, reserved, cached, peak, fromCache, fromDriver;

    /** budgetProperty: the system property that sets the budget, named in the out-of-memory message. */
    public DeviceMemory(BufferDriver driver, long budget, String deviceName, String budgetProperty) {
        this.driver = driver;
        this.budget = budget;
        this.deviceName = deviceName;
        this.budgetProperty = budgetProperty;
    }

    /** The size class of a request: the bytes a buffer for it really has. */
    public static long sizeClass(long bytes) {
        if (bytes <= SMALL) return Math.max(SMALL_STEP, (bytes + SMALL_STEP - 1) / SMALL_STEP * SMALL_STEP);
        long step = Long.highestOneBit(bytes - 1) >> 3;
        return (bytes + step - 1) / step * step;
    }

    /** A buffer of at least {@code bytes} bytes, returned to the cache when {@code owner} becomes unreachable. */
    public MemorySegment allocate(long bytes, Object owner) {
        long size = sizeClass(bytes);
        MemorySegment mem = obtain(size, bytes);
        synchronized (this) {
            allocated += size;
            peak = Math.max(peak, allocated);
        }
        CLEANER.register(owner, new Return(this, mem, size));
        return mem;
    }

    private MemorySegment obtain(long size, long asked) {
        boolean refused = false;
        for (int attempt = 0; ; attempt++) {
            MemorySegment mem = takeCached(size);
            if (mem != null) return mem;
            if (reservedWith(size) > budget) emptyCache();
            if (reservedWith(size) <= budget) {
                mem = driver.create(size);
                if (mem != null) {
                    synchronized (this) {
                        reserved += size;
                        fromDriver++;
                    }
                    return mem;
                }
                refused = true;
                emptyCache();
            }
            if (attempt == COLLECTIONS) throw outOfMemory(asked, size, refused);
            collect(attempt);
        }
    }

    private synchronized long reservedWith(long size) {
        return reserved + size;
    }

    private synchronized MemorySegment takeCached(long size) {
        ArrayDeque<MemorySegment> list = free.get(size);
        if (list == null || list.isEmpty()) return null;
        cached -= size;
        fromCache++;
        return list.pop();
    }

    private synchronized void giveBack(MemorySegment mem, long size) {
        allocated -= size;
        cached += size;
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(mem);
    }

    /** Gives every cached buffer back to the driver (outside this object's lock: the driver takes its device's). */
    public void emptyCache() {
        List<MemorySegment> release = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<Long, ArrayDeque<MemorySegment>> e : free.entrySet()) {
                release.addAll(e.getValue());
                reserved -= e.getKey() * e.getValue().size();
                e.getValue().clear();
            }
            cached = 0;
        }
        for (MemorySegment mem : release) driver.release(mem);
    }

    /** Bytes, as size classes, held by live owners. */
    public synchronized long inUse() {
        return allocated;
    }

    /** The most bytes held by live owners at once. */
    public synchronized long peak() {
        return peak;
    }

    /** Requests served from the cache and by the driver so far. */
    public synchronized long servedFromCache() {
        return fromCache;
    }

    public synchronized long servedByDriver() {
        return fromDriver;
    }

    public long budget() {
        return budget;
    }

    public synchronized DeviceMemoryUsage usage() {
        return new DeviceMemoryUsage(allocated, reserved, peak, budget);
    }

    private record Return(DeviceMemory memory, MemorySegment mem, long size) implements Runnable {
        @Override
        public void run() {
            memory.giveBack(mem, size);
        }
    }

    /** Asks for a collection and waits a little (longer each attempt) for the Cleaner to return what it found. */
    private static void collect(int attempt) {
        System.gc();
        try {
            Thread.sleep(1L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DeviceOutOfMemoryException outOfMemory(long bytes, long size, boolean refused) {
        return new DeviceOutOfMemoryException(
                deviceName + " out of memory: asked for " + mib(bytes) + " (a " + mib(size)
                        + " buffer), live tensors hold " + mib(inUse()) + " of a " + mib(budget) + " budget (-D"
                        + budgetProperty + ")"
                        + (refused ? "; the driver refused the buffer even with the cache emptied" : ""));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
