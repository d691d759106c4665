package dev.loupe.autograd;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/** Losses composed from differentiable ops. */
final class LossFns {
    private LossFns() {}

    /**
     * Mean cross-entropy of logits (N, C) against class indices (N) (I32/I64), with label smoothing
     * eps as torch: (1 - eps) * NLL + eps * mean over classes of -log p.
     */
    static Var crossEntropy(Var logits, Tensor targets, double labelSmoothing) {
        if (logits.rank() != 2 || targets.rank() != 1 || targets.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("cross_entropy: logits must be (N, C) and targets (N), got "
                    + logits.data().shape() + " and " + targets.shape());
        }
        if (targets.dtype() != DType.I64 && targets.dtype() != DType.I32) {
            throw new IllegalArgumentException(
                    "cross_entropy: targets must be class indices (I32/I64), got " + targets.dtype());
        }
        int c = logits.size(1);
        long[] t = targets.toLongArray();
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= c) {
                throw new IndexOutOfBoundsException(
                        "cross_entropy: target " + t[i] + " at row " + i + " outside [0, " + c + ")");
            }
        }
        Var logp = logits.logSoftmax(1); // (N, C)
        Var nll = logp.gather(1, targets.reshape(-1, 1)).neg().mean(); // scalar
        if (labelSmoothing == 0) return nll;
        Var smooth = logp.mean(false, 1).neg().mean();
        return nll.mul(1 - labelSmoothing).add(smooth.mul(labelSmoothing));
    }
}
