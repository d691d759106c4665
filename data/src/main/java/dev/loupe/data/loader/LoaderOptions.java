package dev.loupe.data.loader;

import dev.loupe.data.BadSamplePolicy;
import java.util.Objects;

/**
 * How a {@link Loader} walks a data set.
 *
 * @param batchSize       samples per batch (per rank), at least 1
 * @param shuffle         a fresh permutation every epoch (Fisher-Yates from the seed and the epoch), or
 *                        the data set's order
 * @param seed            the run seed; the permutation and every sample's augmentation derive from it
 * @param dropLast        leave out the last batch of an epoch when it would be shorter than batchSize
 * @param workers         decoding and augmenting threads, at least 1 (default: available processors);
 *                        the batches do not depend on it
 * @param prefetchBatches whole batches prepared ahead of the consumer, at least 0 (default 2)
 * @param rank            this process's shard, 0 <= rank < worldSize (default 0)
 * @param worldSize       the number of shards (default 1)
 * @param onBadSample     stop at a bad sample or skip and count it (default FAIL)
 */
public record LoaderOptions(
        int batchSize,
        boolean shuffle,
        long seed,
        boolean dropLast,
        int workers,
        int prefetchBatches,
        int rank,
        int worldSize,
        BadSamplePolicy onBadSample) {
    public LoaderOptions {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (workers < 1) throw new IllegalArgumentException("loader workers must be >= 1, got " + workers);
        if (prefetchBatches < 0)
            throw new IllegalArgumentException("prefetch batches must be >= 0, got " + prefetchBatches);
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank must be in [0, " + worldSize + "), got " + rank);
        }
        Objects.requireNonNull(onBadSample, "onBadSample");
    }

    /** Defaults for a batch size: shuffled with seed 0, keep the last batch, all cores, prefetch 2, one rank, FAIL. */
    public static LoaderOptions defaults(int batchSize) {
        return builder(batchSize).build();
    }

    /** A builder starting from {@link #defaults}. */
    public static Builder builder(int batchSize) {
        return new Builder(batchSize);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(batchSize)
                .shuffle(shuffle)
                .seed(seed)
                .dropLast(dropLast)
                .workers(workers)
                .prefetchBatches(prefetchBatches)
                .shard(rank, worldSize)
                .onBadSample(onBadSample);
    }

    /** Builds {@link LoaderOptions}; every setter returns this. */
    public static final class Builder {
        private int batchSize;
        private boolean shuffle = true;
        private long seed;
        private boolean dropLast;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int prefetchBatches = 2;
        private int rank;
        private int worldSize = 1;
        private BadSamplePolicy onBadSample = BadSamplePolicy.FAIL;

        private Builder(int batchSize) {
            this.batchSize = batchSize;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder shuffle(boolean v) {
            shuffle = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder dropLast(boolean v) {
            dropLast = v;
            return this;
        }

        public Builder workers(int v) {
            workers = v;
            return this;
        }

        public Builder prefetchBatches(int v) {
            prefetchBatches = v;
            return this;
        }

        /** This process's shard: rank r of worldSize. */
        public Builder shard(int r, int world) {
            rank = r;
            worldSize = world;
            return this;
        }

        public Builder onBadSample(BadSamplePolicy v) {
            onBadSample = v;
            return this;
        }

        public LoaderOptions build() {
            return new LoaderOptions(
                    batchSize, shuffle, seed, dropLast, workers, prefetchBatches, rank, worldSize, onBadSample);
        }
    }
}
