package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parameter initialisations (torch.nn.init) and MAE's whole-model init. Each writes the parameter
 * in place through {@link Var#updateInPlace}, keeping its dtype; random draws come in row-major
 * order from the given {@link Rng}.
 */
public final class Init {
    private Init() {}

    /**
     * Uniform(-a, a) with a = sqrt(6 / (fan_in + fan_out)) and fans as torch's
     * _calculate_fan_in_and_fan_out: for (out, in, k...) fan_in = in * prod(k), fan_out = out * prod(k),
     * so a conv weight (D, C, p, p) has fan_in C*p*p and fan_out D*p*p.
     */
    public static void xavierUniform(Var weight, Rng rng) {
        int[] s = weight.sizes();
        if (s.length < 2) {
            throw new IllegalArgumentException("xavier_uniform: fan in and fan out need at least 2 dims, got "
                    + weight.data().shape());
        }
        int receptive = 1;
        for (int i = 2; i < s.length; i++) receptive *= s[i];
        xavierUniform(weight, s[1] * receptive, s[0] * receptive, rng);
    }

    /** Uniform(-a, a), a = sqrt(6 / (fanIn + fanOut)), with the fans given (a weight seen through a view). */
    public static void xavierUniform(Var weight, int fanIn, int fanOut, Rng rng) {
        uniform(weight, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
    }

    /** Uniform(-bound, bound). */
    public static void uniform(Var weight, double bound, Rng rng) {
        Tensor u = Tensor.rand(rng, weight.sizes()).mul(2 * bound).sub(bound);
        weight.updateInPlace(d -> d.copyFrom(u.to(d.dtype())));
    }

    /** Normal(0, std). */
    public static void normal(Var weight, double std, Rng rng) {
        Tensor n = Tensor.randn(rng, weight.sizes()).mul(std);
        weight.updateInPlace(d -> d.copyFrom(n.to(d.dtype())));
    }

    public static void constant(Var weight, double value) {
        weight.updateInPlace(d -> d.fill(value));
    }

    /**
     * MAE's initialize_weights on the encoder: pos_embed = the fixed 2-D sin-cos table (CLS row 0);
     * patch conv weight xavier_uniform as its (D, C*p*p) flattening (fans C*p*p and D, since MAE
     * calls xavier_uniform_ on weight.view(D, -1)); cls_token normal(.02); every Linear weight
     * (qkv as one (3D, D) matrix) xavier_uniform with bias 0; every LayerNorm weight 1, bias 0.
     * The patch conv bias is left as the module made it (MAE leaves Conv2d's own init there);
     * register tokens and LayerScale, which MAE does not have, are left as they are.
     */
    public static void mae(VisionTransformer vit, Rng rng) {
        ViTConfig c = vit.config();
        Tensor table = SinCos.embedding2d(c.dim(), c.gridSize(), true);
        vit.posEmbed.updateInPlace(d -> d.copyFrom(table.to(d.dtype())));
        Var conv = vit.patchEmbed.proj.weight;
        xavierUniform(conv, conv.size(1) * conv.size(2) * conv.size(3), conv.size(0), rng);
        normal(vit.clsToken, 0.02, rng);
        // in a ViT every rank-2 "weight" parameter is a Linear weight (tokens and pos_embed are rank 3)
        Map<String, Var> params = vit.namedParameters();
        params.forEach((name, p) -> {
            if (!name.endsWith("weight") || p.rank() != 2) return;
            xavierUniform(p, rng);
            Var b = params.get(name.substring(0, name.length() - "weight".length()) + "bias");
            if (b != null) constant(b, 0);
        });
        for (LayerNorm ln : layerNorms(vit)) {
            constant(ln.weight, 1);
            constant(ln.bias, 0);
        }
    }

    private static List<LayerNorm> layerNorms(VisionTransformer vit) {
        List<LayerNorm> out = new ArrayList<>();
        for (Block b : vit.blocks) {
            out.add(b.norm1);
            out.add(b.norm2);
        }
        out.add(vit.norm);
        return out;
    }
}
