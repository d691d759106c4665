package dev.loupe.autograd;

import dev.loupe.tensor.BufferPool;
import dev.loupe.tensor.Storage;
import dev.loupe.tensor.Tensor;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The host arrays of one backward pass. Everything the pass allocates through emptyLike comes from a
 * per-thread {@link BufferPool}; a gradient goes back as soon as the engine has consumed it and no
 * pending or stored gradient shares its storage (a view or the same tensor handed to two inputs), and
 * the rest goes back when the pass ends (or fails), except the gradients it stored in leaves and
 * retaining Vars.
 */
final class BackwardBuffers implements AutoCloseable {
    private static final ThreadLocal<BufferPool> POOLS = ThreadLocal.withInitial(BufferPool::new);

    private final BufferPool pool;
    private final BufferPool.Scope scope;
    private final Set<Storage> stored = Collections.newSetFromMap(new IdentityHashMap<>());

    private BackwardBuffers(BufferPool pool) {
        this.pool = pool;
        this.scope = pool == null ? null : pool.open();
    }

    /** Buffers for a pass on this thread; inert when pooling is off ({@code -Dloupe.buffer.pool=off}). */
    static BackwardBuffers open() {
        return new BackwardBuffers(BufferPool.enabled() ? POOLS.get() : null);
    }

    /** This thread's pool (tests read its counters). */
    static BufferPool pool() {
        return POOLS.get();
    }

    /** grad now lives in a Var (a leaf's or a retained gradient): never handed out again. */
    void stored(Tensor grad) {
        if (grad != null) stored.add(grad.storage());
    }

    /** Gives t's array back unless a live tensor or a stored gradient shares its storage. */
    void release(Tensor t, Collection<Tensor> live) {
        if (pool == null || t == null) return;
        Storage s = t.storage();
        if (stored.contains(s)) return;
        for (Tensor l : live) if (l.storage() == s) return;
        pool.recycle(t);
    }

    @Override
    public void close() {
        if (scope == null) return;
        for (Storage s : stored) scope.keep(s);
        scope.close();
    }
}
