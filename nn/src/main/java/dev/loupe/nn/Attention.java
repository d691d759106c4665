package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;

/**
 * Multi-head self-attention with one fused qkv projection (timm / DINO / MAE).
 * Shape: x (B, N, D) -> (B, N, D); H heads of size hd = D / H; scale hd^-0.5.
 */
public final class Attention extends Module {
    public final Linear qkv, proj;
    private final int heads;

    public Attention(int dim, int heads, boolean qkvBias, Rng rng) {
        if (dim % heads != 0) throw new IllegalArgumentException("attention: dim " + dim + " not divisible by " + heads + " heads");
        this.heads = heads;
        this.qkv = child("qkv", new Linear(dim, 3 * dim, qkvBias, rng));
        this.proj = child("proj", new Linear(dim, dim, true, rng));
    }

    public Var forward(Var x) {
        int b = x.size(0), n = x.size(1), d = x.size(2), hd = d / heads;
        // qkv: (B, N, 3D) -> (3, B, H, N, hd): views, no copy
        Var qkvh = qkv.forward(x).reshape(b, n, 3, heads, hd).permute(2, 0, 3, 1, 4);
        Var q = qkvh.select(0, 0), k = qkvh.select(0, 1), v = qkvh.select(0, 2);
        Var attn = q.matmul(k.mT()).mul(Math.pow(hd, -0.5)).softmax(-1);   // (B, H, N, N)
        Var out = attn.matmul(v);                                          // (B, H, N, hd)
        return proj.forward(out.transpose(1, 2).reshape(b, n, d));
    }

    public int heads() { return heads; }
}
