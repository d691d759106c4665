package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Multi-head self-attention with one fused qkv projection (timm / DINO / MAE / CLIP text).
 * Shape: x (B, N, D) -> (B, N, D); H heads of size hd = D / H; scale hd^-0.5.
 *
 * <p>The core softmax(q k^T * scale + mask) v runs as one fused op ({@link Var#selfAttention}):
 * no (B, H, N, N) scores or probabilities are kept for backward.
 */
public final class Attention extends Module {
    public final Linear qkv, proj;
    private final int heads;

    public Attention(int dim, int heads, boolean qkvBias, Rng rng) {
        if (dim % heads != 0)
            throw new IllegalArgumentException("attention: dim " + dim + " not divisible by " + heads + " heads");
        this.heads = heads;
        this.qkv = child("qkv", new Linear(dim, 3 * dim, qkvBias, rng));
        this.proj = child("proj", new Linear(dim, dim, true, rng));
    }

    /** Every token attends to every token. */
    public Var forward(Var x) {
        return forward(x, false, null);
    }

    /**
     * With masks: {@code causal} lets token i attend to tokens j <= i only (text transformers);
     * keyPaddingMask, BOOL (B, N) with true = padding, hides those tokens as keys (null for none).
     * A token that can attend to nothing gets a zero attention output.
     */
    public Var forward(Var x, boolean causal, Tensor keyPaddingMask) {
        return proj.forward(heads(x, causal, keyPaddingMask));
    }

    /**
     * residual + forward(x), the residual added to the output projection's GEMM blocks in cache (a
     * pre-norm block's x + attn(norm1(x)) with residual = x): the values and gradients of
     * {@code residual.add(forward(x))}. residual: (B, N, D).
     */
    public Var forwardResidual(Var x, Var residual) {
        return proj.forwardResidual(heads(x, false, null), residual);
    }

    /** The heads' outputs side by side, (B, N, D), before the output projection. */
    private Var heads(Var x, boolean causal, Tensor keyPaddingMask) {
        int b = x.size(0), n = x.size(1), d = x.size(2), hd = d / heads;
        // qkv: (B, N, 3D) -> (B, N, 3, H, hd): a view; the fused op reads q, k, v through it and writes
        // their gradients back in this layout
        Var out =
                Var.selfAttention(qkv.forward(x).reshape(b, n, 3, heads, hd), causal, keyPaddingMask); // (B, H, N, hd)
        return out.transpose(1, 2).reshape(b, n, d);
    }

    public int heads() {
        return heads;
    }
}
