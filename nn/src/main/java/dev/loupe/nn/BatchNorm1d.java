package dev.loupe.nn;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;

/**
 * Batch normalisation over the batch (and length) dims of (N, C) or (N, C, L) inputs, as
 * torch.nn.BatchNorm1d with track_running_stats. Training normalises with the batch mean and the
 * biased batch variance, and moves running_mean / running_var toward the batch mean and the
 * UNBIASED batch variance by {@code momentum}, counting steps in num_batches_tracked (I64, shape ());
 * eval normalises with the running statistics. After {@link #synchronize}, training uses the
 * statistics of every rank's batch together (torch.nn.SyncBatchNorm), with gradients flowing through
 * them across ranks, so N ranks with batches of b match one process with a batch of N b. Names: weight, bias (absent without affine),
 * running_mean, running_var, num_batches_tracked, so state dicts interchange with torch.
 */
public final class BatchNorm1d extends Module {
    public final Var weight, bias; // null without affine
    private final int features;
    private final double eps, momentum;
    private Communicator sync = Communicator.single();

    public BatchNorm1d(int features, double eps, double momentum, boolean affine) {
        if (features < 1) throw new IllegalArgumentException("BatchNorm1d: features must be >= 1, got " + features);
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? param("weight", Tensor.ones(features)) : null;
        this.bias = affine ? param("bias", Tensor.zeros(features)) : null;
        buffer("running_mean", Tensor.zeros(features));
        buffer("running_var", Tensor.ones(features));
        buffer("num_batches_tracked", Tensor.zeros(DType.I64));
    }

    /** torch's defaults: eps 1e-5, momentum 0.1, affine. */
    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1, true);
    }

    /** x: (N, C) or (N, C, L) -> same shape. */
    public Var forward(Var x) {
        if ((x.rank() != 2 && x.rank() != 3) || x.size(1) != features) {
            throw new IllegalArgumentException("BatchNorm1d(" + features + "): input "
                    + x.data().shape() + " must be (N, " + features + ") or (N, " + features + ", L)");
        }
        int[] dims = reduceDims(x.rank());
        Var y;
        if (isTraining() && sync.worldSize() > 1) {
            y = normalizeWithGlobalStats(x, dims);
        } else if (isTraining()) {
            y = normalizeWithBatchStats(x, eps);
            try (var scope = GradMode.disable()) {
                updateRunningStats(
                        x.data().mean(false, dims).to(DType.F32),
                        x.data().var(1, false, dims).to(DType.F32));
            }
        } else {
            // (C) statistics as (C) or (C, 1) so they broadcast against (N, C) or (N, C, L)
            Tensor mean = channelView(runningMean(), x.rank()).to(x.dtype());
            Tensor std =
                    channelView(runningVar(), x.rank()).to(x.dtype()).add(eps).sqrt();
            y = x.sub(Var.of(mean)).div(Var.of(std));
        }
        if (weight != null) y = y.mul(channelView(weight, x.rank())).add(channelView(bias, x.rank()));
        return y;
    }

    /**
     * (x - mean) / sqrt(var + eps) with the batch mean and biased variance per channel, composed of
     * differentiable ops so the gradient flows through the statistics. x: (N, C) or (N, C, L).
     */
    public static Var normalizeWithBatchStats(Var x, double eps) {
        int[] dims = reduceDims(x.rank());
        int count = x.data().numel() / x.size(1);
        if (count < 2) {
            throw new IllegalArgumentException(
                    "BatchNorm1d: expected more than 1 value per channel when training, got input "
                            + x.data().shape());
        }
        Var centered = x.sub(x.mean(true, dims)); // (N, C[, L])
        Var variance = centered.mul(centered).mean(true, dims); // (1, C[, 1]), biased
        return centered.div(variance.add(eps).sqrt());
    }

    /** Normalise with the statistics of all ranks' batches from now on (SyncBatchNorm); {@link Communicator#single()} undoes it. */
    public void synchronize(Communicator comm) {
        this.sync = comm;
    }

    /**
     * The two-pass statistics of the global batch: mean = (sum over ranks of sum x) / n, then
     * var = (sum over ranks of sum (x - mean)^2) / n, both sums all-reduced with gradients.
     */
    private Var normalizeWithGlobalStats(Var x, int[] dims) {
        Tensor count = Tensor.of(new double[] {x.data().numel() / x.size(1)}, 1);
        sync.allReduce(count, Reduction.SUM).await();
        double n = count.item();
        if (n < 2) {
            throw new IllegalArgumentException(
                    "SyncBatchNorm: expected more than 1 value per channel over all ranks, got input "
                            + x.data().shape() + " on this rank and " + (long) n + " in all");
        }
        Var mean = x.sum(true, dims).allReduceSum(sync).div(n); // (1, C[, 1])
        Var centered = x.sub(mean); // (N, C[, L])
        Var squares = centered.mul(centered).sum(true, dims).allReduceSum(sync);
        Var y = centered.div(squares.div(n).add(eps).sqrt());
        try (var scope = GradMode.disable()) {
            updateRunningStats(
                    mean.data().reshape(features).to(DType.F32),
                    squares.data().reshape(features).div(n - 1).to(DType.F32));
        }
        return y;
    }

    /** mean, unbiased: (C) statistics of this step's batch. */
    private void updateRunningStats(Tensor mean, Tensor unbiased) {
        Tensor runningMean = runningMean(), runningVar = runningVar(), tracked = buffer("num_batches_tracked");
        runningMean.copyFrom(runningMean.mul(1 - momentum).add(mean.mul(momentum)));
        runningVar.copyFrom(runningVar.mul(1 - momentum).add(unbiased.mul(momentum)));
        tracked.copyFrom(tracked.add(1)); // on the device, no host round trip
    }

    private static int[] reduceDims(int rank) {
        return rank == 2 ? new int[] {0} : new int[] {0, 2};
    }

    private static Tensor channelView(Tensor t, int rank) {
        return rank == 2 ? t : t.reshape(t.size(0), 1);
    }

    private static Var channelView(Var v, int rank) {
        return rank == 2 ? v : v.reshape(v.size(0), 1);
    }

    public Tensor runningMean() {
        return buffer("running_mean");
    }

    public Tensor runningVar() {
        return buffer("running_var");
    }

    public long numBatchesTracked() {
        return (long) buffer("num_batches_tracked").item();
    }
}
