package dev.loupe.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one shared worker pool. Work is always split over independent outputs (rows, columns, batch,
 * heads), never over a sum, so results are bitwise identical for any thread count.
 *
 * <p>Threads: {@code -Dloupe.threads=N} (default: available processors), or {@link #setThreads}
 * before first use (the CLI's {@code --threads}). A caller waiting for its workers spins for
 * {@code -Dloupe.parallel.spin-us} microseconds (default 30) before it parks.
 */
public final class Parallel {
    /** A body that handles the half-open range [start, end) of independent work items. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /**
     * How long a caller that has finished its share spins before it parks to wait for the workers'
     * ({@code -Dloupe.parallel.spin-us}, default 30; 0 parks at once). Parking and being unparked cost
     * tens of microseconds on this VM, a fifth of a 256 x 256 GEMM: with 30 us `bench gemm --reps 40 --sizes 256`
     * ran 250-278 GFLOP/s against 184-228 (five interleaved pairs, 2 threads, idle Zen 5; 10 and 100 us did no better),
     * and ViT-Tiny steps were level (122-132 / 477-495 img/s either way).
     */
    private static final long SPIN_NANOS = JvmSetting.wholeNumber("loupe.parallel.spin-us", 30, 0) * 1000;

    /** Set on a thread while it runs one item of {@link #forEachCoarse}: its own forRange calls run inline. */
    private static final ThreadLocal<boolean[]> INLINE = ThreadLocal.withInitial(() -> new boolean[1]);

    private static volatile ForkJoinPool pool;
    private static volatile int threads = defaultThreads();

    private Parallel() {}

    private static int defaultThreads() {
        return (int)
                JvmSetting.wholeNumber("loupe.threads", Runtime.getRuntime().availableProcessors(), 1);
    }

    public static int threads() {
        return threads;
    }

    /** Resizes the pool; tasks already running finish on the old one. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n == threads && pool != null) return;
        ForkJoinPool old = pool;
        threads = n;
        pool = null;
        if (old != null) old.shutdown();
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) pool = p = new ForkJoinPool(threads);
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} items. With one thread, or
     * when the work is too small to split, it runs inline on the caller.
     *
     * <p>The caller works too: it hands the call to at most threads - 1 pool workers. The chunks are
     * dealt out in contiguous shares, one per thread (the caller's first); each thread runs its own
     * share in order and then takes the chunks no one has started yet from the ends of the others'
     * shares. A worker that wakes late (a busy or shared machine) therefore finds part of its share
     * done instead of holding the caller up, while an on-time worker keeps its whole share: coarse
     * calls (a GEMM's four M blocks) stay balanced, which one shared counter did not (the caller took
     * three of four blocks whenever the worker woke a little late: GEMM n = 2048 ran 12% slower). The
     * caller waits only for chunks that workers have started. Which thread runs a chunk changes
     * nothing in the results: chunks are independent outputs.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int g = Math.max(1, grain);
        if (t == 1 || n <= g || ForkJoinTask.inForkJoinPool() || INLINE.get()[0]) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(t * 4, (n + g - 1) / g);
        int helpers = Math.min(t - 1, chunks - 1);
        new Chunks(body, n, chunks, helpers + 1).run(pool());
    }

    /**
     * Runs {@code item.accept(i)} for every i in [0, n), the items spread over the pool's threads as
     * {@link #forRange} spreads chunks, and every parallel call an item makes ({@link #forRange}, hence
     * every kernel) runs inline on the thread that runs the item. For coarse, independent items, such
     * as the images of a no-grad pass in groups: each thread then works through whole passes without
     * waiting for the others between kernels. Items must not depend on one another or on which thread
     * runs them; thread-local state (no-grad scopes, buffer pools) is each item's own business.
     */
    public static void forEachCoarse(int n, IntConsumer item) {
        forRange(n, 1, (start, end) -> {
            boolean[] inline = INLINE.get();
            boolean was = inline[0];
            inline[0] = true;
            try {
                for (int i = start; i < end; i++) item.accept(i);
            } finally {
                inline[0] = was;
            }
        });
    }

    /** Whether this thread's forRange calls run inline (a pool worker, or inside an item of {@link #forEachCoarse}). */
    public static boolean runsInline() {
        return ForkJoinTask.inForkJoinPool() || INLINE.get()[0];
    }

    /** One forRange call: chunk c is [n c / chunks, n (c + 1) / chunks); share l is chunks [first(l), first(l + 1)). */
    private static final class Chunks {
        private final RangeBody body;
        private final int n, chunks, shares;
        private final AtomicIntegerArray claimed;
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread caller = Thread.currentThread();

        Chunks(RangeBody body, int n, int chunks, int shares) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.shares = shares;
            this.claimed = new AtomicIntegerArray(chunks);
        }

        /** Hands shares 1 .. shares - 1 to pool workers, runs share 0 here, then waits for every chunk. */
        void run(ForkJoinPool pool) {
            for (int i = 1; i < shares; i++) {
                int share = i;
                try {
                    pool.execute(() -> work(share));
                } catch (RejectedExecutionException e) { // the pool is being resized: the caller takes the rest
                    break;
                }
            }
            work(0);
            // done's increments are volatile writes after each chunk's stores: reading it here
            // makes every chunk's output visible to the caller. A short spin first: workers that are
            // about to finish are not waited for through a park and an unpark (SPIN_NANOS).
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (done.get() < chunks && System.nanoTime() < spinUntil) Thread.onSpinWait();
            while (done.get() < chunks) LockSupport.park(this);
            Throwable f = failure.get();
            if (f instanceof RuntimeException e) throw e;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
        }

        /** This thread's share front to back, then the others' unstarted chunks from the back of each share. */
        private void work(int share) {
            for (int c = first(share); c < first(share + 1); c++) runIfUnclaimed(c);
            for (int k = 1; k < shares; k++) {
                int other = (share + k) % shares;
                for (int c = first(other + 1) - 1; c >= first(other); c--) runIfUnclaimed(c);
            }
        }

        private void runIfUnclaimed(int c) {
            if (claimed.get(c) != 0 || !claimed.compareAndSet(c, 0, 1)) return;
            try {
                if (failure.get() == null) body.run(start(c), start(c + 1));
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                if (done.incrementAndGet() == chunks) LockSupport.unpark(caller);
            }
        }

        private int first(int share) {
            return (int) ((long) chunks * share / shares);
        }

        private int start(int c) {
            return (int) ((long) n * c / chunks);
        }
    }
}
