package dev.loupe.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The one shared worker pool. Work is always split over independent outputs (rows, columns, batch,
 * heads), never over a sum, so results are bitwise identical for any thread count.
 *
 * <p>Threads: {@code -Dloupe.threads=N} (default: available processors), or {@link #setThreads}
 * before first use (the CLI's {@code --threads}).
 */
public final class Parallel {
    /** A body that handles the half-open range [start, end) of independent work items. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static volatile ForkJoinPool pool;
    private static volatile int threads = defaultThreads();

    private Parallel() {}

    private static int defaultThreads() {
        String p = System.getProperty("loupe.threads");
        if (p != null && !p.isBlank()) {
            int n = Integer.parseInt(p.trim());
            if (n < 1) throw new IllegalArgumentException("-Dloupe.threads must be >= 1, got " + n);
            return n;
        }
        return Runtime.getRuntime().availableProcessors();
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
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        int g = Math.max(1, grain);
        if (t == 1 || n <= g || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(t * 4, (n + g - 1) / g);
        pool().invoke(new Chunk(body, 0, n, chunks));
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int start, end, chunks;

        Chunk(RangeBody body, int start, int end, int chunks) {
            this.body = body;
            this.start = start;
            this.end = end;
            this.chunks = chunks;
        }

        @Override
        protected void compute() {
            if (chunks <= 1) {
                body.run(start, end);
                return;
            }
            int leftChunks = chunks / 2;
            int mid = start + (int) ((long) (end - start) * leftChunks / chunks);
            invokeAll(new Chunk(body, start, mid, leftChunks), new Chunk(body, mid, end, chunks - leftChunks));
        }
    }
}
