package dev.loupe.tensor.dist;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/** The checks every implementation applies to a collective's buffers, with messages that name the call and the shapes. */
public final class CollectiveArgs {
    private CollectiveArgs() {}

    /** A buffer a collective may use: contiguous, F32 or F64. */
    public static void requireBuffer(String op, String role, Tensor t) {
        if (t.dtype() != DType.F32 && t.dtype() != DType.F64) {
            throw new IllegalArgumentException(op + ": " + role + " must be F32 or F64, got " + t.dtype() + " " + t.shape());
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": " + role + " " + t.shape() + " must be contiguous (call contiguous() and copy back)");
        }
    }

    public static void requireRoot(String op, int root, int worldSize) {
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException(op + ": root " + root + " is not a rank of a world of " + worldSize);
        }
    }

    /** input (n), output (worldSize * n), same dtype. */
    public static void requireGather(String op, Tensor small, Tensor large, int worldSize) {
        requireBuffer(op, "input", op.startsWith("allGather") ? small : large);
        requireBuffer(op, "output", op.startsWith("allGather") ? large : small);
        if (small.dtype() != large.dtype()) {
            throw new IllegalArgumentException(op + ": input " + small.dtype() + " and output " + large.dtype() + " differ in dtype");
        }
        if ((long) small.numel() * worldSize != large.numel()) {
            throw new IllegalArgumentException(op + ": the per-rank buffer " + small.shape() + " times world size " + worldSize
                    + " must have as many elements as " + large.shape());
        }
    }
}
