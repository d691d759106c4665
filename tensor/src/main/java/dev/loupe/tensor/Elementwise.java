package dev.loupe.tensor;

/** Front end of the elementwise ops: dtype promotion, broadcasting, output allocation. */
public final class Elementwise {
    private Elementwise() {}

    public static Tensor unary(UnaryOp op, Tensor x) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(
                    op + ": needs a floating tensor, got " + x.dtype() + " of shape " + x.shape());
        }
        Tensor out = Tensor.emptyLike(x, x.dtype(), x.sizes());
        x.backend().unary(op, x, out);
        return out;
    }

    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        requireSameDevice(op.name(), a, b);
        DType common = DType.promote(a.dtype(), b.dtype());
        Tensor ca = a.dtype() == common ? a : a.to(common);
        Tensor cb = b.dtype() == common ? b : b.to(common);
        int[] shape = Shape.broadcast(op.name().toLowerCase(), a.sizes(), b.sizes());
        Tensor out = Tensor.emptyLike(a, op.isComparison() ? DType.BOOL : common, shape);
        a.backend().binary(op, ca.expand(shape), cb.expand(shape), out);
        return out;
    }

    /** {@code op(a, s)} with the scalar in a's dtype. */
    public static Tensor binary(BinaryOp op, Tensor a, double s) {
        return binary(op, a, scalarLike(a, s));
    }

    /** {@code op(s, a)} with the scalar in a's dtype. */
    public static Tensor binary(BinaryOp op, double s, Tensor a) {
        return binary(op, scalarLike(a, s), a);
    }

    /** {@code cond ? a : b}, all three broadcast together; cond must be BOOL. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(
                    "where: condition must be BOOL, got " + cond.dtype() + " of shape " + cond.shape());
        }
        requireSameDevice("where", a, b);
        DType common = DType.promote(a.dtype(), b.dtype());
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.sizes(), a.sizes()), b.sizes());
        Tensor out = Tensor.emptyLike(a, common, shape);
        Tensor ca = a.dtype() == common ? a : a.to(common);
        Tensor cb = b.dtype() == common ? b : b.to(common);
        a.backend().where(cond.expand(shape), ca.expand(shape), cb.expand(shape), out);
        return out;
    }

    /** Limits every element to [lo, hi]; either bound may be NaN to leave that side open. */
    public static Tensor clamp(Tensor x, double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
        Tensor r = x;
        if (!Double.isNaN(lo)) r = binary(BinaryOp.MAX, r, lo);
        if (!Double.isNaN(hi)) r = binary(BinaryOp.MIN, r, hi);
        return r == x ? x.copy() : r;
    }

    static Tensor scalarLike(Tensor like, double s) {
        Tensor t = Tensor.emptyLike(like, like.dtype());
        t.fill(s);
        return t;
    }

    static void requireSameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(
                    op + ": operands on different devices (" + a.device() + " and " + b.device() + ")");
        }
    }
}
