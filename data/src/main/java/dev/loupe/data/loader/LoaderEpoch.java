package dev.loupe.data.loader;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Batch;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.tensor.Rng;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One epoch of a {@link Loader}: batches in plan order, prepared ahead by the worker threads.
 * Not thread-safe: one consumer calls hasNext/next. Close it (try-with-resources) to stop the workers
 * when leaving early; it closes itself after the last batch and on failure.
 *
 * <p>Each sample is a task (data set get, then transform); a batch is stacked on a worker once its
 * samples are done. At most prefetchBatches + 1 batches are in flight, the one the consumer waits for
 * included, and they are handed out in plan order whatever order the workers finish in.
 */
public final class LoaderEpoch implements Iterator<Batch>, AutoCloseable {
    /** How many skip reasons an epoch keeps; every skip is logged and counted. */
    public static final int KEPT_REASONS = 10;

    private final Loader loader;
    private final int epoch;
    private final EpochPlan plan;
    private final ExecutorService pool;
    private final ArrayDeque<PendingBatch> pending = new ArrayDeque<>();
    private final List<String> skipReasons = new ArrayList<>();
    private int nextToSubmit;
    private int resumeBatch;
    private long skipped;
    private Batch ready;
    private boolean closed;

    private record PendingBatch(int index, CompletableFuture<BatchResult> result) {}

    /** A stacked batch (null when every sample was skipped) and the skipped samples' exceptions. */
    private record BatchResult(Batch batch, List<BadSampleException> skips) {}

    /** A sample with its views, or the reason it was skipped, or the exception that ends the epoch. */
    private record SampleResult(BatchStacker.Transformed item, BadSampleException skip, RuntimeException failure) {}

    LoaderEpoch(Loader loader, int epoch, EpochPlan plan, int startBatch) {
        this.loader = loader;
        this.epoch = epoch;
        this.plan = plan;
        this.nextToSubmit = startBatch;
        this.resumeBatch = startBatch;
        int workers = loader.options().workers();
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, loader.nextThreadName());
            t.setDaemon(true);
            return t;
        });
        if (startBatch == plan.batches()) {
            close();
        } else {
            fill();
        }
    }

    /** The epoch number. */
    public int epoch() {
        return epoch;
    }

    /** The batches in this epoch's plan, delivered or not. */
    public int batchesInEpoch() {
        return plan.batches();
    }

    /**
     * The plan index of the batch after the one next() returned last (the start batch before any):
     * what to pass to {@link Loader#epoch(int, int)} to continue this epoch after a restart.
     */
    public int resumeBatch() {
        return resumeBatch;
    }

    /** Bad samples skipped in the batches handed out so far. */
    public long skipped() {
        return skipped;
    }

    /** The messages (file and reason) of the first {@link #KEPT_REASONS} skipped samples. */
    public List<String> skipReasons() {
        return List.copyOf(skipReasons);
    }

    /**
     * Whether another batch follows; waits for it. With SKIP, batches whose samples were all bad are
     * passed over here.
     *
     * @throws BadSampleException under FAIL, the first bad sample of the batch (file and reason); the
     *                            epoch is then closed
     */
    @Override
    public boolean hasNext() {
        while (ready == null && !closed) {
            fill();
            PendingBatch head = pending.poll();
            if (head == null) {
                close();
                break;
            }
            BatchResult result = await(head);
            resumeBatch = head.index() + 1;
            for (BadSampleException e : result.skips()) recordSkip(e);
            ready = result.batch();
            if (nextToSubmit == plan.batches() && pending.isEmpty()) close();
        }
        return ready != null;
    }

    @Override
    public Batch next() {
        if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        Batch b = ready;
        ready = null;
        return b;
    }

    /** Stops the workers and drops prepared batches; the iterator then has no more batches. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (PendingBatch p : pending) p.result().cancel(true);
        pending.clear();
        pool.shutdownNow();
    }

    /** Submits batches until prefetchBatches + 1 are in flight or the plan is exhausted. */
    private void fill() {
        int target = loader.options().prefetchBatches() + 1;
        while (!closed && pending.size() < target && nextToSubmit < plan.batches()) {
            int index = nextToSubmit++;
            pending.add(new PendingBatch(index, submit(plan.batch(index))));
        }
    }

    private CompletableFuture<BatchResult> submit(int[] indices) {
        List<CompletableFuture<SampleResult>> samples = new ArrayList<>(indices.length);
        for (int i : indices) samples.add(CompletableFuture.supplyAsync(() -> load(i), pool));
        return CompletableFuture.allOf(samples.toArray(CompletableFuture[]::new))
                .thenApplyAsync(ignored -> assemble(samples), pool);
    }

    /** Runs on a worker: decode and transform one sample with its own seed. */
    private SampleResult load(int index) {
        try {
            Sample sample = loader.dataset().get(index);
            Rng rng = new Rng(LoaderSeeds.sample(loader.options().seed(), epoch, index));
            List<Image> views = loader.transform().apply(sample.image(), rng);
            return new SampleResult(new BatchStacker.Transformed(sample, views), null, null);
        } catch (BadSampleException e) {
            boolean skip = loader.options().onBadSample() == BadSamplePolicy.SKIP;
            return skip ? new SampleResult(null, e, null) : new SampleResult(null, null, e);
        } catch (RuntimeException e) {
            return new SampleResult(null, null, e);
        }
    }

    /**
     * Runs on a worker once all samples of a batch are done. A failure is raised here rather than by
     * the sample's task so that, of several, the first in batch order reaches the caller every time.
     */
    private static BatchResult assemble(List<CompletableFuture<SampleResult>> samples) {
        List<BatchStacker.Transformed> items = new ArrayList<>(samples.size());
        List<BadSampleException> skips = new ArrayList<>();
        for (CompletableFuture<SampleResult> f : samples) {
            SampleResult r = f.join();
            if (r.failure() != null) throw r.failure();
            if (r.skip() != null) {
                skips.add(r.skip());
            } else {
                items.add(r.item());
            }
        }
        return new BatchResult(items.isEmpty() ? null : BatchStacker.stack(items), List.copyOf(skips));
    }

    private BatchResult await(PendingBatch head) {
        try {
            return head.result().get();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new CancellationException(
                    "interrupted while waiting for batch " + head.index() + " of epoch " + epoch);
        } catch (ExecutionException e) {
            close();
            throw rethrow(e.getCause(), head.index());
        }
    }

    private RuntimeException rethrow(Throwable cause, int batchIndex) {
        while (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
        if (cause instanceof RuntimeException r) return r;
        if (cause instanceof Error err) throw err;
        return new IllegalStateException(
                "loading batch " + batchIndex + " of epoch " + epoch + " failed: " + cause, cause);
    }

    private void recordSkip(BadSampleException e) {
        skipped++;
        loader.countSkip(epoch);
        if (skipReasons.size() < KEPT_REASONS) skipReasons.add(e.getMessage());
        loader.badSampleLog().skipped(loader.dataset().name() + " epoch " + epoch, e);
    }
}
