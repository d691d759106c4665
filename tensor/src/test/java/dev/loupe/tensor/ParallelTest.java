package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** forRange: every item exactly once, whoever claims the chunks; failures reach the caller. */
class ParallelTest {
    @Test
    void everyItemRunsExactlyOnce() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3, 7}) {
                Parallel.setThreads(threads);
                for (int n : new int[] {1, 2, 5, 17, 1000, 100_003}) {
                    for (int grain : new int[] {1, 7, 4096}) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(n);
                        Parallel.forRange(n, grain, (start, end) -> {
                            for (int i = start; i < end; i++) seen.incrementAndGet(i);
                        });
                        for (int i = 0; i < n; i++) {
                            assertEquals(
                                    1,
                                    seen.get(i),
                                    "item " + i + " of " + n + ", grain " + grain + ", " + threads + " threads");
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void coarseItemsRunOnceEachWithTheirOwnParallelCallsInline() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                int n = 7;
                AtomicIntegerArray seen = new AtomicIntegerArray(n), inner = new AtomicIntegerArray(n * 1000);
                Parallel.forEachCoarse(n, item -> {
                    seen.incrementAndGet(item);
                    Thread outer = Thread.currentThread();
                    assertEquals(true, Parallel.runsInline(), "inside an item");
                    Parallel.forRange(1000, 1, (start, end) -> {
                        assertSame(outer, Thread.currentThread(), "a nested call runs on the item's thread");
                        for (int i = start; i < end; i++) inner.incrementAndGet(item * 1000 + i);
                    });
                });
                for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "item " + i + ", " + threads + " threads");
                for (int i = 0; i < n * 1000; i++)
                    assertEquals(1, inner.get(i), "nested " + i + ", " + threads + " threads");
                assertEquals(false, Parallel.runsInline(), "the caller's own calls are parallel again afterwards");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aCallerWaitsPastItsSpinForASlowWorker() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            for (int slow : new int[] {0, 1}) { // the caller's chunk or the worker's outlasts the 30 us spin
                int[] written = new int[2];
                Parallel.forRange(2, 1, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        if (i == slow) sleep(20);
                        written[i] = i + 1; // a plain write: forRange's end must make it visible
                    }
                });
                assertEquals(1, written[0], "chunk 0, slow chunk " + slow);
                assertEquals(2, written[1], "chunk 1, slow chunk " + slow);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void nestedCallsAndFailuresReachTheCaller() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            AtomicIntegerArray seen = new AtomicIntegerArray(64 * 64);
            Parallel.forRange(64, 1, (s, e) -> {
                for (int r = s; r < e; r++) {
                    int row = r;
                    Parallel.forRange(64, 1, (s2, e2) -> {
                        for (int c = s2; c < e2; c++) seen.incrementAndGet(row * 64 + c);
                    });
                }
            });
            for (int i = 0; i < 64 * 64; i++) assertEquals(1, seen.get(i), "nested item " + i);
            IllegalArgumentException boom = new IllegalArgumentException("item 77 is out of range");
            IllegalArgumentException thrown = assertThrows(
                    IllegalArgumentException.class,
                    () -> Parallel.forRange(100, 1, (s, e) -> {
                        if (s <= 77 && 77 < e) throw boom;
                    }));
            assertSame(boom, thrown);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
