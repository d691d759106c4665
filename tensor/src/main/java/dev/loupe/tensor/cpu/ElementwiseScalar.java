package dev.loupe.tensor.cpu;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.CpuStorage;

/**
 * Scalar elementwise runs over any strides: the F32 twins of {@link VectorOps} (whose semantics
 * are the tokens' {@code apply(float)}), the F64 path ({@code apply(double)}) and the integer path.
 *
 * <p>Integer binary ops: ADD, SUB, MUL, MAX, MIN are exact and wrap on overflow like torch's;
 * DIV is floor division (torch's {@code //}) and fails on a zero divisor; POW goes through double
 * and truncates; comparisons are exact. BOOL operands take the same path (stored as x != 0).
 */
final class ElementwiseScalar {
    private ElementwiseScalar() {}

    static void binaryF32(
            BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int so, int n) {
        for (int i = 0; i < n; i++, ai += sa, bi += sb, oi += so) o[oi] = op.apply(a[ai], b[bi]);
    }

    static void compareF32(
            BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, byte[] o, int oi, int so, int n) {
        for (int i = 0; i < n; i++, ai += sa, bi += sb, oi += so) o[oi] = (byte) (op.apply(a[ai], b[bi]) != 0f ? 1 : 0);
    }

    static void binaryF64(
            BinaryOp op, double[] a, int ai, int sa, double[] b, int bi, int sb, double[] o, int oi, int so, int n) {
        for (int i = 0; i < n; i++, ai += sa, bi += sb, oi += so) o[oi] = op.apply(a[ai], b[bi]);
    }

    static void compareF64(
            BinaryOp op, double[] a, int ai, int sa, double[] b, int bi, int sb, byte[] o, int oi, int so, int n) {
        for (int i = 0; i < n; i++, ai += sa, bi += sb, oi += so) o[oi] = (byte) (op.apply(a[ai], b[bi]) != 0 ? 1 : 0);
    }

    /** Integer and BOOL operands, read and written through the storage's long accessors. */
    static void binaryInteger(
            BinaryOp op,
            CpuStorage a,
            int ai,
            int sa,
            CpuStorage b,
            int bi,
            int sb,
            CpuStorage o,
            int oi,
            int so,
            int n) {
        for (int i = 0; i < n; i++, ai += sa, bi += sb, oi += so)
            o.setLong(oi, apply(op, a.getLong(ai), b.getLong(bi)));
    }

    static long apply(BinaryOp op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> {
                if (b == 0) throw new ArithmeticException("div: integer division by zero (" + a + " / 0)");
                yield Math.floorDiv(a, b);
            }
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case POW -> (long) Math.pow(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
        };
    }
}
