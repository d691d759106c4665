package dev.loupe.ssl.dinov2;

import dev.loupe.autograd.GradMode;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;

/**
 * DINOv2's Sinkhorn-Knopp teacher centring (dino_clstoken_loss.py / ibot_patch_loss.py
 * sinkhorn_knopp_teacher): Q = exp(t / temp)^T (K, B) divided by its sum; then per iteration each
 * row is divided by its sum and by K, each column by its sum and by B; finally Q * B, transposed
 * back, so every row of the result is an assignment summing to 1. Computed in float32 outside the
 * graph. Across ranks (DINOv2's distributed form) the total and the row sums are all-reduced and B
 * counts every rank's samples, so each rank gets its rows of the one-process result.
 */
public final class SinkhornKnopp {
    /** DINOv2's iteration count. */
    public static final int ITERATIONS = 3;

    private SinkhornKnopp() {}

    /** teacherOut: (B, K) -> (B, K) with 3 iterations. */
    public static Tensor apply(Tensor teacherOut, double teacherTemp) {
        return apply(teacherOut, teacherTemp, ITERATIONS);
    }

    /** teacherOut: (B, K) -> (B, K). */
    public static Tensor apply(Tensor teacherOut, double teacherTemp, int iterations) {
        return apply(teacherOut, teacherTemp, iterations, Communicator.single());
    }

    /** teacherOut: (b, K) this rank's rows -> (b, K) its rows of the assignment over all ranks' rows. */
    public static Tensor apply(Tensor teacherOut, double teacherTemp, int iterations, Communicator comm) {
        if (teacherOut.rank() != 2 || teacherOut.size(0) < 1) {
            throw new IllegalArgumentException(
                    "Sinkhorn-Knopp: teacher output must be (B >= 1, K), got " + teacherOut.shape());
        }
        try (var scope = GradMode.disable()) {
            Tensor q = teacherOut.to(DType.F32).div(teacherTemp).exp().mT().contiguous(); // (K, B)
            int k = q.size(0);
            double b = q.size(1);
            if (comm.worldSize() > 1)
                b = sumOverRanks(Tensor.of(new float[] {q.size(1)}, 1), comm).item();
            q = q.div(sumOverRanks(q.sum(), comm));
            for (int it = 0; it < iterations; it++) {
                q = q.div(sumOverRanks(q.sum(true, 1), comm)).div(k); // rows: total weight per prototype 1/K
                q = q.div(q.sum(true, 0)).div(b); // columns: total weight per sample 1/B
            }
            return q.mul(b).mT().contiguous();
        }
    }

    private static Tensor sumOverRanks(Tensor t, Communicator comm) {
        if (comm.worldSize() == 1) return t;
        Tensor sum = t.contiguous().copy();
        comm.allReduce(sum, Reduction.SUM).await();
        return sum;
    }
}
