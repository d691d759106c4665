package dev.loupe.tensor;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reuses the host arrays of intermediate results whose lifetime the caller knows, so a steady-state
 * pass allocates (and has the JVM zero) almost nothing.
 *
 * <p>While a {@link Scope} of this pool is open on a thread, {@link Tensor#emptyLike} of a host tensor
 * on that thread takes an array of the same dtype and length from the pool (contents undefined, as
 * emptyLike promises). Closing the scope gives back every array taken in it except those it was told
 * to {@link Scope#keep}: a kept array passes to the enclosing scope, or with none stays the caller's
 * until {@link #recycle} (or the garbage collector) takes it.
 *
 * <p>Only a caller that knows no other tensor taken in a scope outlives it may open one; the ViT's
 * no-grad forward pass does, one block at a time. A pool is confined to one thread at a time.
 * {@code -Dloupe.buffer.pool=off} turns pooling off; {@code -Dloupe.buffer.poison=true} fills every
 * reused array with NaN (or another impossible value) first, so a kernel that read its output before
 * writing it would show. All pools together (but those made {@link #withOwnCap}) keep at most a quarter of the maximum heap idle
 * ({@code -Dloupe.buffer.pool.max-mb} to change it); arrays given back past that are left to the
 * garbage collector.
 */
public final class BufferPool {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();
    /** Cap on the idle bytes of all pools together, and what they hold now. */
    private static final long ALL_POOLS_MAX_IDLE =
            Long.getLong("loupe.buffer.pool.max-mb", Runtime.getRuntime().maxMemory() / 4 >> 20) << 20;

    private static final AtomicLong ALL_POOLS_IDLE = new AtomicLong();
    /** Takes a collected pool's idle bytes off the total. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final Map<Long, ArrayDeque<CpuStorage>> free = new HashMap<>();
    private final Set<CpuStorage> owned = Collections.newSetFromMap(new WeakHashMap<>()); // made here, by identity
    private final Set<CpuStorage> idle = Collections.newSetFromMap(new IdentityHashMap<>()); // those in free
    private final long maxIdleBytes;
    /** Whether this pool's idle arrays count towards (and are bound by) the cap on all pools together. */
    private final boolean shared;

    private final AtomicLong idleBytes = new AtomicLong(); // shared with the cleaner action, not the pool
    private long reused, created;

    /** A pool bound only by the cap on all pools together. */
    public BufferPool() {
        this(Long.MAX_VALUE);
    }

    /** A pool that keeps at most maxIdleBytes of arrays idle (and all pools together at most their cap). */
    public BufferPool(long maxIdleBytes) {
        this(maxIdleBytes, true);
    }

    private BufferPool(long maxIdleBytes, boolean shared) {
        if (maxIdleBytes < 0)
            throw new IllegalArgumentException("buffer pool: idle cap must be >= 0, got " + maxIdleBytes);
        this.maxIdleBytes = maxIdleBytes;
        this.shared = shared;
        AtomicLong held = idleBytes;
        if (shared) CLEANER.register(this, () -> ALL_POOLS_IDLE.addAndGet(-held.get()));
    }

    /**
     * A pool bound by its own cap only, outside the cap on all pools together: for arrays that are idle only between
     * two uses by the same work (a training step's), which the other pools should not have to make room for.
     */
    public static BufferPool withOwnCap(long maxIdleBytes) {
        return new BufferPool(maxIdleBytes, false);
    }

    /** Whether pooling is on (it is unless {@code -Dloupe.buffer.pool=off}). */
    public static boolean enabled() {
        return !"off".equals(System.getProperty("loupe.buffer.pool"));
    }

    /** Opens a scope on this thread: host tensors made by emptyLike come from this pool until it closes. */
    public Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /**
     * Gives t's array back for reuse when it came from this pool; any other tensor is left alone. The
     * caller promises that nothing reads t, or a view of its storage, afterwards.
     */
    public void recycle(Tensor t) {
        if (t.storage() instanceof CpuStorage s && owned.contains(s)) giveBack(s);
    }

    /** Arrays handed out again instead of allocated, and arrays allocated, so far. */
    public long reused() {
        return reused;
    }

    public long created() {
        return created;
    }

    /** A host storage for emptyLike on this thread: from the open scope's pool, or null when none is open. */
    static CpuStorage take(DType dtype, int length) {
        Scope s = CURRENT.get();
        return s == null ? null : s.take(dtype, length);
    }

    private CpuStorage borrow(DType dtype, int length) {
        ArrayDeque<CpuStorage> q = free.get(key(dtype, length));
        CpuStorage s = q == null ? null : q.pollLast();
        if (s == null) {
            created++;
            s = CpuStorage.allocate(dtype, length);
            owned.add(s);
        } else {
            idle.remove(s);
            countIdle(-bytes(s));
            reused++;
            if (Boolean.getBoolean("loupe.buffer.poison")) poison(s); // read each time: tests switch it
        }
        return s;
    }

    private void giveBack(CpuStorage s) {
        long size = bytes(s);
        if (idle.contains(s) || idleBytes.get() + size > maxIdleBytes) return; // already free, or over this pool's cap
        if (shared
                && ALL_POOLS_IDLE.addAndGet(size) > ALL_POOLS_MAX_IDLE) { // over the cap of all pools: left to the GC
            ALL_POOLS_IDLE.addAndGet(-size);
            return;
        }
        idle.add(s);
        idleBytes.addAndGet(size); // the total already counts it
        free.computeIfAbsent(key(s.dtype(), s.length()), k -> new ArrayDeque<>())
                .addLast(s);
    }

    /** This pool's idle bytes and the total of all pools move by delta. */
    private void countIdle(long delta) {
        idleBytes.addAndGet(delta);
        if (shared) ALL_POOLS_IDLE.addAndGet(delta);
    }

    /** Bytes held idle now, waiting to be handed out again. */
    public long idleBytes() {
        return idleBytes.get();
    }

    /** Bytes held idle by all live pools together. */
    static long allPoolsIdleBytes() {
        return ALL_POOLS_IDLE.get();
    }

    private static long bytes(CpuStorage s) {
        return (long) s.length() * s.dtype().byteSize();
    }

    private static long key(DType dtype, int length) {
        return ((long) dtype.ordinal() << 32) | (length & 0xffffffffL);
    }

    private static void poison(CpuStorage s) {
        switch (s.dtype()) {
            case F32 -> java.util.Arrays.fill(s.f32(), Float.NaN);
            case F64 -> java.util.Arrays.fill(s.f64(), Double.NaN);
            case I32 -> java.util.Arrays.fill(s.i32(), Integer.MIN_VALUE);
            case I64 -> java.util.Arrays.fill(s.i64(), Long.MIN_VALUE);
            case BOOL -> java.util.Arrays.fill(s.bool(), (byte) 7);
        }
    }

    /** The arrays taken while it is open; closing it returns them to the pool (see {@link BufferPool}). */
    public final class Scope implements AutoCloseable {
        private final Scope outer;
        private final List<CpuStorage> taken = new ArrayList<>();
        private final Set<CpuStorage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        private boolean closed;

        private Scope(Scope outer) {
            this.outer = outer;
        }

        private CpuStorage take(DType dtype, int length) {
            CpuStorage s = borrow(dtype, length);
            taken.add(s);
            return s;
        }

        /** Keeps t's storage past this scope (the scope's result); returns t. */
        public Tensor keep(Tensor t) {
            keep(t.storage());
            return t;
        }

        /** Keeps a storage past this scope. */
        public void keep(Storage storage) {
            if (storage instanceof CpuStorage s) kept.add(s);
        }

        @Override
        public void close() {
            if (closed) return;
            if (CURRENT.get() != this)
                throw new IllegalStateException("buffer pool scopes must close innermost first, on their own thread");
            closed = true;
            CURRENT.set(outer);
            for (CpuStorage s : taken) {
                if (!kept.contains(s)) giveBack(s);
                else if (outer != null && outer.pool() == BufferPool.this) outer.taken.add(s);
            }
        }

        private BufferPool pool() {
            return BufferPool.this;
        }
    }
}
