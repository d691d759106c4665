package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.UnaryOp;

/**
 * Pre-norm transformer block: x = x + DropPath(LS(Attn(LN(x)))); x = x + DropPath(LS(FFN(LN(x)))).
 * Shape: (B, N, D) -> (B, N, D). Names: norm1, attn, ls1, norm2, mlp, ls2 (timm / DINOv2).
 */
public final class Block extends Module {
    public final LayerNorm norm1, norm2;
    public final Attention attn;
    private final Mlp mlp;
    private final SwiGLU swiglu;
    private final LayerScale ls1, ls2;
    private final DropPath dropPath;

    public Block(ViTConfig c, double dropPathRate, Rng rng) {
        norm1 = child("norm1", new LayerNorm(c.dim(), c.lnEps()));
        attn = child("attn", new Attention(c.dim(), c.heads(), c.qkvBias(), rng));
        ls1 = c.layerScaleInit() > 0 ? child("ls1", new LayerScale(c.dim(), c.layerScaleInit())) : null;
        norm2 = child("norm2", new LayerNorm(c.dim(), c.lnEps()));
        if (c.swiglu()) {
            swiglu = child("mlp", new SwiGLU(c.dim(), SwiGLU.defaultHidden(c.dim()), rng));
            mlp = null;
        } else {
            mlp = child("mlp", new Mlp(c.dim(), (int) (c.dim() * c.mlpRatio()), UnaryOp.GELU, rng));
            swiglu = null;
        }
        ls2 = c.layerScaleInit() > 0 ? child("ls2", new LayerScale(c.dim(), c.layerScaleInit())) : null;
        dropPath = child("drop_path", new DropPath(dropPathRate, rng.split()));
    }

    public Var forward(Var x) {
        if (dropPath.isIdentity() && ls1 == null && ls2 == null && mlp != null) {
            // the residual adds run inside the output GEMMs (same values and gradients as the sums below)
            x = attn.forwardResidual(norm1.forward(x), x);
            return mlp.forwardResidual(norm2.forward(x), x);
        }
        Var a = attn.forward(norm1.forward(x));
        if (ls1 != null) a = ls1.forward(a);
        x = x.add(dropPath.forward(a));
        Var h = norm2.forward(x);
        Var f = mlp != null ? mlp.forward(h) : swiglu.forward(h);
        if (ls2 != null) f = ls2.forward(f);
        return x.add(dropPath.forward(f));
    }
}
