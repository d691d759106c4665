package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scopes hand out, keep and take back host arrays (BufferPool); emptyLike outside a scope is untouched. */
class BufferPoolTest {
    private final Tensor like = Tensor.zeros(2, 3);

    @AfterEach
    void clearSwitches() {
        System.clearProperty("loupe.buffer.poison");
    }

    private Tensor make(int... shape) {
        return Tensor.emptyLike(like, DType.F32, shape);
    }

    @Test
    void outsideAScopeEmptyLikeAllocatesAsBefore() {
        BufferPool pool = new BufferPool();
        try (var s = pool.open()) {
            make(4);
        }
        Tensor a = make(4), b = make(4);
        assertNotSame(a.storage(), b.storage());
        assertEquals(1, pool.created());
        assertEquals(0, pool.reused());
    }

    @Test
    void closingAScopeReturnsItsArraysForTheSameDtypeAndLength() {
        BufferPool pool = new BufferPool();
        Storage first;
        try (var s = pool.open()) {
            first = make(2, 6).storage();
        }
        try (var s = pool.open()) {
            assertNotSame(first, make(13).storage(), "another length");
            assertNotSame(first, Tensor.emptyLike(like, DType.I32, 12).storage(), "another dtype");
            assertSame(first, make(3, 4).storage(), "same length, any shape");
        }
        assertEquals(1, pool.reused());
    }

    @Test
    void aKeptArrayIsNotReusedUntilRecycled() {
        BufferPool pool = new BufferPool();
        Tensor kept;
        try (var s = pool.open()) {
            kept = s.keep(make(8));
            make(8);
        }
        try (var s = pool.open()) {
            Tensor t = make(8), u = make(8);
            assertNotSame(kept.storage(), t.storage());
            assertNotSame(kept.storage(), u.storage());
        }
        pool.recycle(kept);
        pool.recycle(kept); // a second return must not hand the array out twice
        try (var s = pool.open()) {
            Storage a = make(8).storage(), b = make(8).storage(), c = make(8).storage();
            assertTrue(a != b && b != c && a != c);
            assertTrue(a == kept.storage() || b == kept.storage() || c == kept.storage());
        }
    }

    @Test
    void recycleIgnoresArraysThePoolDidNotMake() {
        BufferPool pool = new BufferPool();
        Tensor outside = make(5);
        pool.recycle(outside);
        try (var s = pool.open()) {
            assertNotSame(outside.storage(), make(5).storage());
        }
    }

    @Test
    void anInnerScopesKeptArrayReturnsWhenTheOuterCloses() {
        BufferPool pool = new BufferPool();
        Storage inner;
        try (var outer = pool.open()) {
            try (var s = pool.open()) {
                inner = s.keep(make(7)).storage();
            }
            assertNotSame(inner, make(7).storage(), "still the outer scope's");
        }
        try (var s = pool.open()) {
            Storage a = make(7).storage(), b = make(7).storage();
            assertTrue(a == inner || b == inner);
        }
    }

    @Test
    void arraysPastTheIdleCapAreLeftToTheCollector() {
        BufferPool pool = new BufferPool(3 * 100 * 4); // room for three 100-float arrays
        Storage[] first = new Storage[5];
        try (var s = pool.open()) {
            for (int i = 0; i < first.length; i++) first[i] = make(100).storage();
        }
        assertEquals(1200, pool.idleBytes());
        try (var s = pool.open()) {
            for (int i = 0; i < 5; i++) make(100);
        }
        assertEquals(3, pool.reused());
        assertEquals(7, pool.created()); // five, then two more
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(-1));
    }

    @Test
    void idleArraysCountTowardsTheCapOfAllPools() {
        BufferPool pool = new BufferPool();
        long before = BufferPool.allPoolsIdleBytes();
        try (var s = pool.open()) {
            make(100);
            make(50);
        }
        assertEquals(before + 600, BufferPool.allPoolsIdleBytes());
        try (var s = pool.open()) {
            make(100);
            assertEquals(before + 200, BufferPool.allPoolsIdleBytes(), "a reused array leaves the idle total");
        }
    }

    @Test
    void aPoolWithItsOwnCapStaysOutOfTheSharedTotal() {
        BufferPool pool = BufferPool.withOwnCap(3 * 100 * 4); // room for three 100-float arrays
        long before = BufferPool.allPoolsIdleBytes();
        try (var s = pool.open()) {
            for (int i = 0; i < 5; i++) make(100);
        }
        assertEquals(1200, pool.idleBytes(), "its own cap still holds");
        assertEquals(before, BufferPool.allPoolsIdleBytes());
        try (var s = pool.open()) {
            make(100);
        }
        assertEquals(before, BufferPool.allPoolsIdleBytes());
        assertEquals(1, pool.reused());
    }

    @Test
    void reusedArraysArePoisonedWhenAsked() {
        System.setProperty("loupe.buffer.poison", "true");
        BufferPool pool = new BufferPool();
        try (var s = pool.open()) {
            make(4).fill(1);
        }
        try (var s = pool.open()) {
            for (float v : make(4).toFloatArray()) assertTrue(Float.isNaN(v));
        }
    }

    @Test
    void scopesCloseInnermostFirstAndBelongToTheirThread() throws Exception {
        BufferPool pool = new BufferPool();
        var outer = pool.open();
        var inner = pool.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        try (var exec = Executors.newSingleThreadExecutor()) {
            Storage there = exec.submit(() -> make(3).storage()).get();
            assertEquals(0, pool.created(), "another thread's emptyLike does not see this thread's scope: " + there);
        }
        outer.close();
        long created = pool.created();
        make(3);
        assertEquals(created, pool.created(), "the refused close left the outer scope to close later");
    }
}
