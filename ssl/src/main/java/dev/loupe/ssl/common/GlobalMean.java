package dev.loupe.ssl.common;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;

/** Means over the rows of every rank (DINO's and iBOT's centre updates across processes), outside the graph. */
public final class GlobalMean {
    private GlobalMean() {}

    /**
     * x: (N, K) this rank's rows -> (K) the mean over all ranks' rows: one all-reduce of the K sums and
     * the row count, so ranks with different row counts (iBOT's masked tokens) are weighted by them.
     */
    public static Tensor rows(Tensor x, Communicator comm) {
        if (x.rank() != 2) throw new IllegalArgumentException("global mean: expected (N, K) rows, got " + x.shape());
        int k = x.size(1);
        Tensor sumsAndCount =
                Tensor.concat(0, x.sum(false, 0).to(DType.F64), Tensor.of(new double[] {x.size(0)}, 1)); // (K + 1)
        comm.allReduce(sumsAndCount, Reduction.SUM).await();
        double count = sumsAndCount.narrow(0, k, 1).item();
        if (count < 1) throw new IllegalArgumentException("global mean: no rows on any rank");
        return sumsAndCount.narrow(0, 0, k).div(count).to(x.dtype());
    }
}
