package dev.loupe.nn.text;

import dev.loupe.autograd.Var;
import dev.loupe.nn.LayerNorm;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;

/**
 * CLIP's pre-LN block: x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)), LN eps 1e-5, MLP ratio 4 with
 * QuickGELU. Names ln_1, attn.{in_proj_weight, in_proj_bias, out_proj.*}, ln_2, mlp.{c_fc, c_proj}.
 * Shape: (B, N, W) -> (B, N, W).
 */
public final class ResidualAttentionBlock extends Module {
    /** CLIP's LayerNorm epsilon. */
    public static final double LN_EPS = 1e-5;

    public final LayerNorm ln1, ln2;
    public final MultiheadSelfAttention attn;
    public final QuickGeluMlp mlp;

    public ResidualAttentionBlock(int width, int heads, Rng rng) {
        ln1 = child("ln_1", new LayerNorm(width, LN_EPS));
        attn = child("attn", new MultiheadSelfAttention(width, heads, rng));
        ln2 = child("ln_2", new LayerNorm(width, LN_EPS));
        mlp = child("mlp", new QuickGeluMlp(width, 4 * width, rng));
    }

    /** The residual adds run inside the output GEMMs: the values and gradients of the sums above. */
    public Var forward(Var x, boolean causal) {
        x = attn.forwardResidual(ln1.forward(x), causal, x);
        return mlp.forwardResidual(ln2.forward(x), x);
    }
}
