package dev.loupe.data.loader;

import dev.loupe.data.BadSampleLog;
import dev.loupe.data.Dataset;
import dev.loupe.data.transform.ViewTransform;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Batches of a data set, decoded and augmented on a pool of worker threads, in the order of an
 * {@link EpochPlan}. Each epoch is a {@link LoaderEpoch}: an iterator to close when done (or leave
 * early).
 *
 * <p>Determinism: the permutation depends on (seed, epoch), and the transform of data set index i in
 * epoch e draws from {@code new Rng(LoaderSeeds.sample(seed, e, i))} only, so the batches are bitwise
 * the same for any worker count, any prefetch depth, and for a resumed epoch started at any batch.
 *
 * <p>Bad samples: a {@link dev.loupe.data.BadSampleException} from the data set or the transform
 * either ends the epoch and reaches the caller of next() (FAIL), or (SKIP) leaves the sample out, so
 * that batch is shorter than batchSize; a batch whose samples are all bad is left out altogether.
 * Each skip is logged as one plain line through a {@link BadSampleLog} (standard error unless another
 * is given) and counted in {@link #skipped()} and {@link #skippedPerEpoch()}. Other exceptions (bugs)
 * always propagate.
 *
 * <p>Threads: each epoch runs its own daemon platform threads named "loupe-loader-N", separate from
 * the tensor kernels' pool; they stop when the epoch ends, fails or is closed.
 */
public final class Loader {
    private final Dataset dataset;
    private final ViewTransform transform;
    private final LoaderOptions options;
    private final BadSampleLog badSampleLog;
    private final AtomicLong skipped = new AtomicLong();
    private final Map<Integer, Long> skippedPerEpoch = new ConcurrentSkipListMap<>();
    private final AtomicInteger threadNumber = new AtomicInteger();

    /** A loader that reports skipped samples on standard error, one line each. */
    public Loader(Dataset dataset, ViewTransform transform, LoaderOptions options) {
        this(dataset, transform, options, BadSampleLog.standardError());
    }

    public Loader(Dataset dataset, ViewTransform transform, LoaderOptions options, BadSampleLog badSampleLog) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.transform = Objects.requireNonNull(transform, "transform");
        this.options = Objects.requireNonNull(options, "options");
        this.badSampleLog = Objects.requireNonNull(badSampleLog, "badSampleLog");
    }

    public Dataset dataset() {
        return dataset;
    }

    public ViewTransform transform() {
        return transform;
    }

    public LoaderOptions options() {
        return options;
    }

    /** Where skipped samples are reported. */
    public BadSampleLog badSampleLog() {
        return badSampleLog;
    }

    /** Samples this rank visits per epoch: ceil(size / worldSize) (see {@link EpochPlan} on padding). */
    public int samplesPerEpoch() {
        return EpochPlan.samplesPerRank(dataset.size(), options.worldSize());
    }

    /** Batches this rank gets per epoch when no sample is skipped. */
    public int batchesPerEpoch() {
        int n = samplesPerEpoch();
        int bs = options.batchSize();
        return options.dropLast() ? n / bs : (n + bs - 1) / bs;
    }

    /** The plan of an epoch: this rank's data set indices in visiting order and their batches. */
    public EpochPlan plan(int epoch) {
        return EpochPlan.of(dataset.size(), options, epoch);
    }

    /** A whole epoch. */
    public LoaderEpoch epoch(int epoch) {
        return epoch(epoch, 0);
    }

    /**
     * The batches of an epoch from batch startBatch on (0 <= startBatch <= batchesPerEpoch()); a
     * resumed run passes the {@link LoaderEpoch#resumeBatch()} it saved and gets exactly the batches the
     * interrupted run would have had next. Prefetching starts at once.
     */
    public LoaderEpoch epoch(int epoch, int startBatch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        EpochPlan plan = plan(epoch);
        if (startBatch < 0 || startBatch > plan.batches()) {
            throw new IllegalArgumentException("start batch must be in [0, " + plan.batches() + "], got " + startBatch);
        }
        return new LoaderEpoch(this, epoch, plan, startBatch);
    }

    /** Bad samples skipped so far, all epochs together. */
    public long skipped() {
        return skipped.get();
    }

    /** Bad samples skipped per epoch (epochs without skips are absent), in epoch order. */
    public Map<Integer, Long> skippedPerEpoch() {
        return Collections.unmodifiableMap(skippedPerEpoch);
    }

    void countSkip(int epoch) {
        skipped.incrementAndGet();
        skippedPerEpoch.merge(epoch, 1L, Long::sum);
    }

    String nextThreadName() {
        return "loupe-loader-" + threadNumber.incrementAndGet();
    }
}
