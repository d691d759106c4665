package dev.loupe.data.loader;

import dev.loupe.tensor.Rng;
import java.util.Arrays;

/**
 * Which data set indices one rank visits in one epoch, and how they fall into batches.
 *
 * <p>Order: the identity, or with shuffling a Fisher-Yates permutation drawn from
 * {@code new Rng(LoaderSeeds.permutation(seed, epoch))}; every rank computes the same permutation.
 * Sharding follows PyTorch's DistributedSampler without drop_last: the permuted order is padded by
 * wrapping around to its start until its length is a multiple of worldSize, so every rank gets
 * ceil(n / worldSize) indices (a few samples appear twice per epoch when n is not a multiple), and
 * rank r takes positions r, r + worldSize, r + 2 worldSize, ... Batches are consecutive runs of
 * batchSize of those; the last one is shorter, or left out with dropLast.
 *
 * @param indices   this rank's data set indices in visiting order
 * @param batchSize samples per full batch
 * @param batches   the number of batches (the last may be short unless dropLast)
 */
public record EpochPlan(int[] indices, int batchSize, int batches) {
    /** The plan for a data set of size n. */
    public static EpochPlan of(int n, LoaderOptions options, int epoch) {
        if (n < 0) throw new IllegalArgumentException("data set size must be >= 0, got " + n);
        int[] order = permutation(n, options.shuffle(), options.seed(), epoch);
        int perRank = samplesPerRank(n, options.worldSize());
        int[] mine = new int[perRank];
        for (int k = 0; k < perRank; k++) {
            int position = options.rank() + k * options.worldSize(); // in the padded order
            mine[k] = order[position % n];
        }
        int bs = options.batchSize();
        int batches = options.dropLast() ? perRank / bs : (perRank + bs - 1) / bs;
        return new EpochPlan(mine, bs, batches);
    }

    /** ceil(n / worldSize): what every rank visits per epoch. */
    public static int samplesPerRank(int n, int worldSize) {
        return (n + worldSize - 1) / worldSize;
    }

    /** 0..n-1, shuffled by Fisher-Yates from the epoch's seed when shuffle is set. */
    public static int[] permutation(int n, boolean shuffle, long seed, int epoch) {
        if (shuffle) return new Rng(LoaderSeeds.permutation(seed, epoch)).permutation(n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        return order;
    }

    /** The data set indices of batch b (0 <= b < batches). */
    public int[] batch(int b) {
        if (b < 0 || b >= batches) throw new IndexOutOfBoundsException("batch " + b + " of " + batches);
        int from = b * batchSize;
        return Arrays.copyOfRange(indices, from, Math.min(from + batchSize, indices.length));
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpochPlan p
                && p.batchSize == batchSize
                && p.batches == batches
                && Arrays.equals(p.indices, indices);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indices) * 31 + batchSize * 7 + batches;
    }

    @Override
    public String toString() {
        return "EpochPlan(" + indices.length + " samples, " + batches + " batches of " + batchSize + ")";
    }
}
