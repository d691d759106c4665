package dev.loupe.ssl.dinov2;

import dev.loupe.autograd.GradMode;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/**
 * DINOv2's Sinkhorn-Knopp teacher centring (dino_clstoken_loss.py / ibot_patch_loss.py
 * sinkhorn_knopp_teacher): Q = exp(t / temp)^T (K, B) divided by its sum; then per iteration each
 * row is divided by its sum and by K, each column by its sum and by B; finally Q * B, transposed
 * back, so every row of the result is an assignment summing to 1. Computed in float32 outside the
 * graph.
 */
public final class SinkhornKnopp {
    /** DINOv2's iteration count. */
    public static final int ITERATIONS = 3;

    private SinkhornKnopp() {}

    /** teacherOut: (B, K) -> (B, K) with 3 iterations. */
    public static Tensor apply(Tensor teacherOut, double teacherTemp) { return apply(teacherOut, teacherTemp, ITERATIONS); }

    /** teacherOut: (B, K) -> (B, K). */
    public static Tensor apply(Tensor teacherOut, double teacherTemp, int iterations) {
        if (teacherOut.rank() != 2 || teacherOut.size(0) < 1) {
            throw new IllegalArgumentException("Sinkhorn-Knopp: teacher output must be (B >= 1, K), got " + teacherOut.shape());
        }
        try (var scope = GradMode.disable()) {
            Tensor q = teacherOut.to(DType.F32).div(teacherTemp).exp().mT().contiguous();   // (K, B)
            int k = q.size(0), b = q.size(1);
            q = q.div(q.sum());
            for (int it = 0; it < iterations; it++) {
                q = q.div(q.sum(true, 1)).div(k);   // rows: total weight per prototype 1/K
                q = q.div(q.sum(true, 0)).div(b);   // columns: total weight per sample 1/B
            }
            return q.mul(b).mT().contiguous();
        }
    }
}
