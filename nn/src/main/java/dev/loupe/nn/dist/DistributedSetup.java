package dev.loupe.nn.dist;

import dev.loupe.nn.train.Trainer;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Communicators;
import dev.loupe.tensor.dist.LaunchEnvironment;

/**
 * How a training process takes part in a data-parallel job: its communicator and the gradient
 * bucket size. What a launcher (the CLI, a user's program) needs besides the trainer: the per-rank
 * batch and whether this process writes the run's files (rank 0 alone).
 *
 * @param comm        this process's communicator ({@link Communicator#single()} when alone)
 * @param bucketBytes the most bytes of gradients per all-reduce ({@link GradientBuckets})
 */
public record DistributedSetup(Communicator comm, long bucketBytes) {
    public DistributedSetup {
        if (bucketBytes < 1)
            throw new IllegalArgumentException("gradient bucket size must be > 0 bytes, got " + bucketBytes);
    }

    /** One process. */
    public static DistributedSetup single() {
        return new DistributedSetup(Communicator.single(), GradientBuckets.DEFAULT_BUCKET_BYTES);
    }

    /**
     * Joins the job this process was launched into: {@code mode} is --dist (auto, none, mpi, nccl; see
     * {@link Communicators#open}), rank and world size come from the launcher's environment.
     */
    public static DistributedSetup open(String mode, double bucketMegabytes) {
        if (!(bucketMegabytes > 0))
            throw new IllegalArgumentException("--bucket-mb must be > 0, got " + bucketMegabytes);
        return new DistributedSetup(
                Communicators.open(mode, LaunchEnvironment.detect()),
                Math.max(1, Math.round(bucketMegabytes * (1 << 20))));
    }

    public int rank() {
        return comm.rank();
    }

    public int worldSize() {
        return comm.worldSize();
    }

    /** Whether this process writes the run folder, checkpoints, weights and reports. */
    public boolean isRankZero() {
        return comm.rank() == 0;
    }

    /** This rank's share of a global batch; the global batch must split evenly. */
    public int rankBatch(int globalBatch) {
        int w = comm.worldSize();
        if (globalBatch % w != 0) {
            throw new IllegalArgumentException("the batch of " + globalBatch + " does not split evenly over " + w
                    + " ranks; give a multiple of " + w + " (--batch is the global batch, as in one process)");
        }
        return globalBatch / w;
    }

    /** The trainer as one rank of this job ({@link Trainer#distributed}). */
    public <B> Trainer<B> apply(Trainer<B> trainer) {
        return trainer.distributed(comm, bucketBytes);
    }

    /** "rank 0 of 2 (mpi)" or "one process". */
    public String describe() {
        return comm.worldSize() == 1
                ? "one process"
                : "rank " + comm.rank() + " of " + comm.worldSize() + " (" + comm.kind() + ")";
    }
}
