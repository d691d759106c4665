package dev.loupe.eval.zeroshot;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/** Row-wise helpers on (N, E) embedding matrices. */
public final class Embeddings {
    private Embeddings() {}

    /** Each row divided by its L2 norm (at least 1e-12). x: float (N, E) -> (N, E) float32. */
    public static Tensor normalizeRows(Tensor x) {
        if (x.rank() != 2) throw new IllegalArgumentException("embeddings must be (N, E), got " + x.shape());
        Tensor f = x.to(DType.F32);
        Tensor norm = f.mul(f).sum(true, 1).sqrt().clamp(1e-12, Double.MAX_VALUE); // (N, 1)
        return f.div(norm).contiguous();
    }
}
