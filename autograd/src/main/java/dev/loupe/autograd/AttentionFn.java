package dev.loupe.autograd;

import dev.loupe.tensor.ScaledDotProductAttention;
import dev.loupe.tensor.Tensor;

/**
 * Scaled dot-product attention as one recorded op: out = softmax(q k^T / sqrt(D) + mask) v, run by the
 * fused kernels of {@link ScaledDotProductAttention}. Forward saves only out and the per-row logsumexp
 * (B, H, Tq); backward recomputes the probabilities from q, k and logsumexp, so no (Tq, Tk) tensor
 * is kept between the passes. With D_i = dO_i . O_i and P the probabilities:
 * dv = P^T dO, dS = P (dO v^T - D), dq = scale dS k, dk = scale dS^T q.
 */
final class AttentionFn {
    private AttentionFn() {}

    // q: (B, H, Tq, D), k: (B, H, Tk, D), v: (B, H, Tk, Dv) -> (B, H, Tq, Dv); mask: BOOL (B, Tk) or null
    static Var scaledDotProductAttention(Var q, Var k, Var v, boolean causal, Tensor keyPaddingMask) {
        Tensor qd = q.data(), kd = k.data(), vd = v.data();
        double scale = ScaledDotProductAttention.defaultScale(qd);
        ScaledDotProductAttention.Result r =
                ScaledDotProductAttention.forward(qd, kd, vd, scale, causal, keyPaddingMask);
        Var[] inputs = {q, k, v};
        return Var.record("scaled_dot_product_attention", r.out(), inputs, inputs, g -> {
            ScaledDotProductAttention.Grads gr = ScaledDotProductAttention.backward(
                    qd, kd, vd, r.out(), g, r.logsumexp(), scale, causal, keyPaddingMask);
            return new Tensor[] {
                q.requiresGrad() ? gr.dq() : null, k.requiresGrad() ? gr.dk() : null, v.requiresGrad() ? gr.dv() : null
            };
        });
    }

    // qkv: (B, N, 3, H, hd) -> (B, H, N, hd); one gradient (B, N, 3, H, hd) instead of three slices
    static Var selfAttention(Var qkv, boolean causal, Tensor keyPaddingMask) {
        Tensor t = qkv.data();
        double scale = Math.pow(t.size(-1), -0.5);
        ScaledDotProductAttention.Result r = ScaledDotProductAttention.forwardPacked(t, scale, causal, keyPaddingMask);
        Var[] inputs = {qkv};
        return Var.record("self_attention", r.out(), inputs, inputs, g -> new Tensor[] {
            ScaledDotProductAttention.backwardPacked(t, r.out(), g, r.logsumexp(), scale, causal, keyPaddingMask)
        });
    }
}
