package dev.loupe.nn.text;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Init;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Self-attention laid out as torch.nn.MultiheadAttention (CLIP / open_clip towers): in_proj_weight
 * (3W, W) and in_proj_bias (3W) stacked q, k, v; out_proj.{weight, bias}. Shape: (B, N, W) -> (B, N, W).
 * Init as torch: in_proj_weight xavier_uniform, in_proj_bias 0, out_proj.weight uniform(+-W^-0.5),
 * out_proj.bias 0.
 */
public final class MultiheadSelfAttention extends Module {
    public final Var inProjWeight, inProjBias;
    public final Linear outProj;
    private final int width, heads;

    public MultiheadSelfAttention(int width, int heads, Rng rng) {
        if (width % heads != 0)
            throw new IllegalArgumentException("attention: width " + width + " not divisible by " + heads + " heads");
        this.width = width;
        this.heads = heads;
        this.inProjWeight = param("in_proj_weight", Tensor.zeros(3 * width, width));
        this.inProjBias = param("in_proj_bias", Tensor.zeros(3 * width));
        this.outProj = child("out_proj", new Linear(width, width, true, rng));
        Init.xavierUniform(inProjWeight, rng);
        Init.uniform(outProj.weight, 1 / Math.sqrt(width), rng);
    }

    /** {@code causal}: token i attends to tokens j <= i only (text). */
    public Var forward(Var x, boolean causal) {
        return outProj.forward(heads(x, causal));
    }

    /**
     * residual + forward(x, causal), the residual added to out_proj's GEMM blocks in cache (a pre-LN block's
     * x + attn(ln_1(x))): the values and gradients of {@code residual.add(forward(x, causal))}. residual: (B, N, W).
     */
    public Var forwardResidual(Var x, boolean causal, Var residual) {
        return outProj.forwardResidual(heads(x, causal), residual);
    }

    /** The heads' outputs side by side, (B, N, W), before out_proj. */
    private Var heads(Var x, boolean causal) {
        int b = x.size(0), n = x.size(1), hd = width / heads;
        if (x.size(2) != width)
            throw new IllegalArgumentException(
                    "attention of width " + width + ": input " + x.data().shape());
        // qkv: (B*N, 3W) -> (B, N, 3, H, hd), one GEMM started from the bias
        Var qkv = x.reshape(b * n, width).linear(inProjWeight, inProjBias).reshape(b, n, 3, heads, hd);
        Var out = Var.selfAttention(qkv, causal, null); // (B, H, N, hd)
        return out.transpose(1, 2).reshape(b, n, width);
    }

    public int heads() {
        return heads;
    }
}
