package dev.loupe.gpu.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The caching allocator's books on a fake driver (addresses only, with an optional capacity): reuse by size
 * class, no buffer held by two live owners, the cache given back on demand and when the driver refuses,
 * and the out-of-memory message. Runs on any machine.
 */
class DeviceMemoryTest {
    private static final long KIB = 1024;

    /** Hands out distinct fake addresses; refuses beyond {@code capacity} bytes held. */
    private static final class FakeDriver implements BufferDriver {
        final long capacity;
        long held, next = 1 << 20;
        int created, released;
        final Map<Long, Long> sizes = new HashMap<>();

        FakeDriver(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public synchronized MemorySegment create(long bytes) {
            if (held + bytes > capacity) return null;
            held += bytes;
            created++;
            next += 1 << 20;
            sizes.put(next, bytes);
            return MemorySegment.ofAddress(next);
        }

        @Override
        public synchronized void release(MemorySegment buffer) {
            held -= sizes.remove(buffer.address());
            released++;
        }
    }

    @Test
    void sizeClassesRoundUpByAtMostAnEighth() {
        assertEquals(512, DeviceMemory.sizeClass(1));
        assertEquals(1024, DeviceMemory.sizeClass(513));
        assertEquals(1 << 20, DeviceMemory.sizeClass(1 << 20));
        assertEquals((1 << 20) + (1 << 17), DeviceMemory.sizeClass((1 << 20) + 1));
        for (long bytes = 1; bytes < 1L << 34; bytes = bytes * 3 + 7) {
            long c = DeviceMemory.sizeClass(bytes);
            assertTrue(c >= bytes && (bytes <= 1 << 20 ? c - bytes < 512 : c - bytes <= bytes / 8), bytes + " -> " + c);
            assertEquals(c, DeviceMemory.sizeClass(c), "a class is its own class: " + c);
        }
    }

    @Test
    void deadOwnersBuffersAreReusedWithinTheBudget() {
        FakeDriver driver = new FakeDriver(Long.MAX_VALUE);
        DeviceMemory memory = new DeviceMemory(driver, 4 * KIB, "fake:0", "loupe.test.maxBytes");
        for (int i = 0; i < 200; i++) assertNotNull(memory.allocate(KIB, new Object()));
        assertTrue(driver.created <= 4, "the driver made " + driver.created + " buffers for a 4 KiB budget");
        assertTrue(memory.servedFromCache() >= 196, "served from the cache: " + memory.servedFromCache());
        assertEquals(200, memory.servedFromCache() + memory.servedByDriver());
        assertTrue(memory.peak() <= 4 * KIB);
    }

    @Test
    void noBufferIsHeldByTwoLiveOwners() {
        DeviceMemory memory =
                new DeviceMemory(new FakeDriver(Long.MAX_VALUE), 64 * KIB, "fake:0", "loupe.test.maxBytes");
        Map<Long, Object> live = new HashMap<>();
        List<Long> order = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Object owner = new Object();
            long bytes = (i % 3 + 1) * 700;
            long address = memory.allocate(bytes, owner).address();
            assertTrue(
                    !live.containsKey(address),
                    "buffer " + address + " handed out while its owner lives (request " + i + ")");
            if (i % 4 == 0) {
                live.put(address, owner);
                order.add(address);
                if (order.size() > 6) live.remove(order.removeFirst()); // let the oldest kept owner die
            }
        }
        Set<Long> distinct = new HashSet<>(live.keySet());
        assertEquals(live.size(), distinct.size());
    }

    @Test
    void emptyCacheGivesTheFreeBuffersBackToTheDriver() throws InterruptedException {
        FakeDriver driver = new FakeDriver(Long.MAX_VALUE);
        DeviceMemory memory = new DeviceMemory(driver, 1 << 20, "fake:0", "loupe.test.maxBytes");
        Object kept = new Object();
        memory.allocate(3 * KIB, kept);
        for (int i = 0; i < 5; i++) memory.allocate(KIB * (i + 1), new Object());
        for (int i = 0; i < 200 && memory.inUse() > 3 * KIB; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(3 * KIB, memory.inUse(), "only the kept owner's buffer is in use");
        assertEquals(
                3 * KIB + 15 * KIB, memory.usage().reserved(), "the dead owners' buffers are cached, not released");
        memory.emptyCache();
        assertEquals(3 * KIB, memory.usage().reserved());
        assertEquals(5, driver.released);
        assertEquals(3 * KIB, driver.held);
        java.lang.ref.Reference.reachabilityFence(kept);
    }

    @Test
    void aRefusingDriverGetsTheCacheBackBeforeTheRequestFails() {
        FakeDriver driver = new FakeDriver(4 * KIB);
        DeviceMemory memory = new DeviceMemory(driver, 1 << 20, "fake:0", "loupe.test.maxBytes");
        Object kept = new Object();
        memory.allocate(2 * KIB, kept);
        memory.allocate(KIB, new Object());
        memory.allocate(KIB, new Object());
        // the driver is full: the two dead 1 KiB buffers must come back and be released for this one
        assertNotNull(memory.allocate(2 * KIB, new Object()));
        assertTrue(driver.released >= 2, "released " + driver.released);
        DeviceOutOfMemoryException e =
                assertThrows(DeviceOutOfMemoryException.class, () -> memory.allocate(3 * KIB, kept));
        assertTrue(
                e.getMessage()
                        .startsWith("fake:0 out of memory: asked for 0.00 MiB (a 0.00 MiB buffer), live tensors hold"),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(
                                "of a 1.00 MiB budget (-Dloupe.test.maxBytes); the driver refused the buffer even with the cache emptied"),
                e.getMessage());
        java.lang.ref.Reference.reachabilityFence(kept);
    }

    @Test
    void theBudgetErrorNamesTheSizes() {
        DeviceMemory memory = new DeviceMemory(
                new FakeDriver(Long.MAX_VALUE), 1 << 20, "fake:0 (1 MiB budget)", "loupe.test.maxBytes");
        Object kept = new Object();
        memory.allocate(600 * KIB, kept);
        DeviceOutOfMemoryException e =
                assertThrows(DeviceOutOfMemoryException.class, () -> memory.allocate(700 * KIB, new Object()));
        assertEquals(
                "fake:0 (1 MiB budget) out of memory: asked for 0.68 MiB (a 0.68 MiB buffer), live tensors hold 0.59 MiB of a "
                        + "1.00 MiB budget (-Dloupe.test.maxBytes)",
                e.getMessage());
        java.lang.ref.Reference.reachabilityFence(kept);
    }
}
