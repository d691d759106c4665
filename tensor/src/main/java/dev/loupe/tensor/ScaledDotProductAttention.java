package dev.loupe.tensor;

/**
 * Front end of the fused attention kernels ({@link Backend#attention}, {@link Backend#attentionBackward}):
 * shape checks and output allocation. The composite it replaces, and must agree with, is
 * softmax(q k^T * scale + mask) v with masked scores at -inf (torch.nn.functional.scaled_dot_product_attention
 * with is_causal and a boolean key padding mask).
 *
 * <p>Shapes: B = batch, H = heads, Tq / Tk = query / key tokens, D = head dim of q and k, Dv = head dim
 * of v. q: (B, H, Tq, D), k: (B, H, Tk, D), v: (B, H, Tk, Dv) -> out: (B, H, Tq, Dv), logsumexp:
 * (B, H, Tq). keyPaddingMask: BOOL (B, Tk), true = ignore that key, or null. Causal: query i sees
 * keys j <= i. A query that sees no key gets out = 0 and zero gradients (torch gives NaN there).
 *
 * <p>Outputs (out, dq, dk, dv) are laid out (B, T, H, D) in memory and returned as the permuted
 * (B, H, T, D) view, so the multi-head merge {@code out.transpose(1, 2).reshape(B, T, H * D)} is free.
 */
public final class ScaledDotProductAttention {
    private ScaledDotProductAttention() {}

    /** The forward result: out (B, H, Tq, Dv) and the per-row logsumexp (B, H, Tq) backward needs. */
    public record Result(Tensor out, Tensor logsumexp) {}

    /** Gradients with respect to q, k and v. */
    public record Grads(Tensor dq, Tensor dk, Tensor dv) {}

    /** The usual scale 1 / sqrt(D). */
    public static double defaultScale(Tensor q) {
        return Math.pow(q.size(-1), -0.5);
    }

    public static Result forward(Tensor q, Tensor k, Tensor v, double scale, boolean causal, Tensor keyPaddingMask) {
        check("attention", q, k, v, keyPaddingMask);
        int b = q.size(0), h = q.size(1), tq = q.size(2), dv = v.size(3);
        Tensor out = headsLast(q, b, tq, h, dv);
        Tensor lse = Tensor.emptyLike(q, q.dtype(), b, h, tq);
        q.backend().attention(q, k, v, scale, causal, keyPaddingMask, out, lse);
        return new Result(out, lse);
    }

    public static Grads backward(
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor out,
            Tensor gradOut,
            Tensor logsumexp,
            double scale,
            boolean causal,
            Tensor keyPaddingMask) {
        checkBackward(q, k, v, out, gradOut, logsumexp, keyPaddingMask);
        int b = q.size(0), h = q.size(1);
        Tensor dq = headsLast(q, b, q.size(2), h, q.size(3));
        Tensor dk = headsLast(q, b, k.size(2), h, k.size(3));
        Tensor dv = headsLast(q, b, v.size(2), h, v.size(3));
        q.backend().attentionBackward(q, k, v, out, gradOut, logsumexp, scale, causal, keyPaddingMask, dq, dk, dv);
        return new Grads(dq, dk, dv);
    }

    /**
     * Self-attention on a packed projection: qkv (B, N, 3, H, hd), the view of a (B, N, 3 H hd) linear
     * output, any strides -> out (B, H, N, hd) laid out (B, N, H, hd). Its backward writes dq, dk and
     * dv straight into one (B, N, 3, H, hd) gradient, the layout the projection's backward reads, so no
     * per-slice gradient is scattered into zeros and summed.
     */
    public static Result forwardPacked(Tensor qkv, double scale, boolean causal, Tensor keyPaddingMask) {
        Tensor[] p = unpack(qkv);
        return forward(p[0], p[1], p[2], scale, causal, keyPaddingMask);
    }

    /** Backward of {@link #forwardPacked}: dqkv (B, N, 3, H, hd), contiguous. */
    public static Tensor backwardPacked(
            Tensor qkv,
            Tensor out,
            Tensor gradOut,
            Tensor logsumexp,
            double scale,
            boolean causal,
            Tensor keyPaddingMask) {
        Tensor[] p = unpack(qkv);
        Tensor q = p[0], k = p[1], v = p[2];
        checkBackward(q, k, v, out, gradOut, logsumexp, keyPaddingMask);
        Tensor dqkv = Tensor.emptyLike(qkv, qkv.dtype(), qkv.sizes());
        Tensor[] d = unpack(dqkv);
        q.backend()
                .attentionBackward(q, k, v, out, gradOut, logsumexp, scale, causal, keyPaddingMask, d[0], d[1], d[2]);
        return dqkv;
    }

    /** The backward's operands: q, k, v as the forward checks them; out and gradOut (B, H, Tq, Dv); logsumexp (B, H, Tq). */
    private static void checkBackward(
            Tensor q, Tensor k, Tensor v, Tensor out, Tensor gradOut, Tensor logsumexp, Tensor mask) {
        String op = "attention_backward";
        check(op, q, k, v, mask);
        int[] outShape = {q.size(0), q.size(1), q.size(2), v.size(3)};
        requireShape(op, "out", out, q.dtype(), outShape);
        requireShape(op, "gradOut", gradOut, q.dtype(), outShape);
        requireShape(op, "logsumexp", logsumexp, q.dtype(), q.size(0), q.size(1), q.size(2));
    }

    /** q, k, v (B, H, N, hd) views of a packed (B, N, 3, H, hd) tensor. */
    private static Tensor[] unpack(Tensor qkv) {
        if (qkv.rank() != 5 || qkv.size(2) != 3) {
            throw new IllegalArgumentException("attention: packed qkv " + qkv.shape() + " must be (B, N, 3, H, hd)");
        }
        Tensor heads = qkv.permute(2, 0, 3, 1, 4); // (3, B, H, N, hd)
        return new Tensor[] {heads.select(0, 0), heads.select(0, 1), heads.select(0, 2)};
    }

    /** A (B, H, T, D) view over fresh (B, T, H, D) storage. */
    private static Tensor headsLast(Tensor like, int b, int t, int h, int d) {
        return Tensor.emptyLike(like, like.dtype(), b, t, h, d).permute(0, 2, 1, 3);
    }

    private static void check(String op, Tensor q, Tensor k, Tensor v, Tensor mask) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw new IllegalArgumentException(
                    op + ": q " + q.shape() + ", k " + k.shape() + ", v " + v.shape() + " must all be (B, H, T, D)");
        }
        if (!q.dtype().isFloating() || k.dtype() != q.dtype() || v.dtype() != q.dtype()) {
            throw new IllegalArgumentException(op + ": q " + q.dtype() + ", k " + k.dtype() + ", v " + v.dtype()
                    + " must share one floating dtype");
        }
        boolean ok = k.size(0) == q.size(0)
                && k.size(1) == q.size(1)
                && k.size(3) == q.size(3)
                && v.size(0) == q.size(0)
                && v.size(1) == q.size(1)
                && v.size(2) == k.size(2);
        if (!ok) {
            throw new IllegalArgumentException(op + ": q " + q.shape() + ", k " + k.shape() + ", v " + v.shape()
                    + " must be (B, H, Tq, D), (B, H, Tk, D), (B, H, Tk, Dv)");
        }
        if (!k.device().equals(q.device()) || !v.device().equals(q.device())) {
            throw new IllegalArgumentException(
                    op + ": q on " + q.device() + ", k on " + k.device() + ", v on " + v.device());
        }
        if (mask != null
                && (mask.dtype() != DType.BOOL
                        || mask.rank() != 2
                        || mask.size(0) != q.size(0)
                        || mask.size(1) != k.size(2)
                        || !mask.device().equals(q.device()))) {
            throw new IllegalArgumentException(
                    op + ": key padding mask " + mask.shape() + " " + mask.dtype() + " must be BOOL (" + q.size(0)
                            + ", " + k.size(2) + ") = (B, Tk) for q " + q.shape() + ", k " + k.shape());
        }
    }

    private static void requireShape(String op, String name, Tensor t, DType dtype, int... shape) {
        if (t.dtype() != dtype || !t.shape().equals(Shape.of(shape))) {
            throw new IllegalArgumentException(
                    op + ": " + name + " " + t.shape() + " " + t.dtype() + " must be " + Shape.of(shape) + " " + dtype);
        }
    }
}
