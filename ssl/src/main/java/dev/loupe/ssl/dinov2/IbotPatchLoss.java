package dev.loupe.ssl.dinov2;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.ssl.common.GlobalMean;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;

/**
 * iBOT's masked-patch loss as DINOv2 computes it (ibot_patch_loss.py forward_masked): over the M
 * masked tokens of n images, -sum_m w_m sum_k t_mk log_softmax(s_m / studentTemp)_k / n, where
 * w_m = 1 / max(1, masked count of token m's image). The teacher targets are softmax-centred
 * ({@link #softmaxCenterTeacher}, own center buffer (1, 1, K) with EMA {@code centerMomentum} over
 * the mean masked teacher token) or Sinkhorn-Knopp ({@link SinkhornKnopp}, B = M).
 */
public final class IbotPatchLoss extends Module {
    private final double studentTemp, centerMomentum;
    private final int outDim;
    private Communicator sync = Communicator.single();

    public IbotPatchLoss(int outDim, double studentTemp, double centerMomentum) {
        if (outDim < 1 || !(studentTemp > 0) || !(centerMomentum >= 0 && centerMomentum <= 1)) {
            throw new IllegalArgumentException(
                    "iBOT loss: need K >= 1, student temp > 0, center momentum in [0, 1], got " + outDim + ", "
                            + studentTemp + ", " + centerMomentum);
        }
        this.outDim = outDim;
        this.studentTemp = studentTemp;
        this.centerMomentum = centerMomentum;
        buffer("center", Tensor.zeros(1, 1, outDim));
    }

    /** DINOv2's defaults: student temp 0.1, center momentum 0.9. */
    public IbotPatchLoss(int outDim) {
        this(outDim, 0.1, 0.9);
    }

    /** softmax((t - center) / temp), outside the graph. teacherMasked: (M, K) -> (M, K). */
    public Tensor softmaxCenterTeacher(Tensor teacherMasked, double teacherTemp) {
        requireTokens("teacher", teacherMasked);
        try (var scope = GradMode.disable()) {
            return teacherMasked
                    .sub(center().reshape(1, outDim))
                    .div(teacherTemp)
                    .softmax(-1);
        }
    }

    /** From now on the center moves toward the mean of every rank's masked teacher tokens. */
    public void synchronize(Communicator comm) {
        this.sync = comm;
    }

    /** center <- m center + (1 - m) mean over the M masked teacher tokens (M, K) (of all ranks after {@link #synchronize}). */
    public void updateCenter(Tensor teacherMasked) {
        requireTokens("teacher", teacherMasked);
        try (var scope = GradMode.disable()) {
            if (sync.worldSize() > 1) {
                Tensor batchCenter = GlobalMean.rows(teacherMasked, sync).reshape(1, 1, outDim);
                Tensor center = center();
                center.copyFrom(center.mul(centerMomentum).add(batchCenter.mul(1 - centerMomentum)));
                return;
            }
            Tensor batchCenter = teacherMasked.mean(true, 0).reshape(1, 1, outDim);
            Tensor center = center();
            center.copyFrom(center.mul(centerMomentum).add(batchCenter.mul(1 - centerMomentum)));
        }
    }

    /**
     * The loss.
     *
     * @param studentMasked (M, K) student head outputs of the masked tokens, image-major
     * @param teacherProbs  (M, K) teacher targets of the same tokens
     * @param masks         BOOL (n, N): which patches of each of the n images are masked (M set in all)
     */
    public Var forwardMasked(Var studentMasked, Tensor teacherProbs, Tensor masks) {
        requireTokens("student", studentMasked.data());
        requireTokens("teacher", teacherProbs);
        Tensor weights = tokenWeights(masks); // (M)
        if (weights.size(0) != studentMasked.size(0) || teacherProbs.size(0) != studentMasked.size(0)) {
            throw new IllegalArgumentException("iBOT loss: masks set " + weights.size(0) + " tokens but student has "
                    + studentMasked.size(0) + " and teacher " + teacherProbs.size(0) + " rows");
        }
        Var logProbs = studentMasked.div(studentTemp).logSoftmax(-1); // (M, K)
        Var perToken = Var.of(teacherProbs).mul(logProbs).sum(false, 1); // (M)
        return perToken.mul(Var.of(weights)).sum().neg().div(masks.size(0));
    }

    /** For BOOL masks (n, N): per masked token (image-major), 1 / max(1, its image's masked count). */
    public static Tensor tokenWeights(Tensor masks) {
        if (masks.rank() != 2 || masks.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(
                    "iBOT masks must be BOOL (n, N), got " + masks.dtype() + " " + masks.shape());
        }
        int n = masks.size(0), patches = masks.size(1);
        float[] out = new float[MaskIndices.count(masks)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            int count = 0;
            for (int k = 0; k < patches; k++) if (masks.getDouble(i, k) != 0) count++;
            float w = 1f / Math.max(1, count);
            for (int k = 0; k < count; k++) out[at++] = w;
        }
        return Tensor.of(out, out.length);
    }

    public Tensor center() {
        return buffer("center");
    }

    private void requireTokens(String what, Tensor t) {
        if (t.rank() != 2 || t.size(1) != outDim) {
            throw new IllegalArgumentException(
                    "iBOT loss (K = " + outDim + "): " + what + " tokens must be (M, K), got " + t.shape());
        }
    }
}
