package dev.loupe.tensor.dist;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/** The checks every implementation applies to a collective's buffers, with messages that name the call and the shapes. */
public final class CollectiveArgs {
    private CollectiveArgs() {}

    /** A buffer a collective may use: contiguous, F32 or F64. */
    public static void requireBuffer(String op, String role, Tensor t) {
        if (t.dtype() != DType.F32 && t.dtype() != DType.F64) {
            throw new IllegalArgumentException(
                    op + ": " + role + " must be F32 or F64, got " + t.dtype() + " " + t.shape());
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(
                    op + ": " + role + " " + t.shape() + " must be contiguous (call contiguous() and copy back)");
        }
    }

    public static void requireRoot(String op, int root, int worldSize) {
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException(op + ": root " + root + " is not a rank of a world of " + worldSize);
        }
    }

    /** allGather: input (n), output (worldSize * n), one dtype. */
    public static void requireAllGather(Tensor input, Tensor output, int worldSize) {
        requireBuffer("allGather", "input", input);
        requireBuffer("allGather", "output", output);
        requireBlocks("allGather", input, output, worldSize);
    }

    /** reduceScatter: input (worldSize * n), output (n), one dtype. */
    public static void requireReduceScatter(Tensor input, Tensor output, int worldSize) {
        requireBuffer("reduceScatter", "input", input);
        requireBuffer("reduceScatter", "output", output);
        requireBlocks("reduceScatter", output, input, worldSize);
    }

    /** perRank (n) and whole (worldSize * n) in one dtype. */
    private static void requireBlocks(String op, Tensor perRank, Tensor whole, int worldSize) {
        if (perRank.dtype() != whole.dtype()) {
            throw new IllegalArgumentException(
                    op + ": " + perRank.dtype() + " and " + whole.dtype() + " buffers differ in dtype");
        }
        if ((long) perRank.numel() * worldSize != whole.numel()) {
            throw new IllegalArgumentException(op + ": the per-rank buffer " + perRank.shape() + " times world size "
                    + worldSize + " must have as many elements as " + whole.shape());
        }
    }
}
