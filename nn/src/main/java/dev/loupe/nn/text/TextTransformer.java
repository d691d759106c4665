package dev.loupe.nn.text;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Embedding;
import dev.loupe.nn.Init;
import dev.loupe.nn.LayerNorm;
import dev.loupe.nn.Module;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * CLIP's text tower with open_clip's parameter names: token_embedding.weight (V, W),
 * positional_embedding (ctx, W), transformer.resblocks.{i}.*, ln_final.{weight, bias} and
 * text_projection (W, E), used as x @ P (no bias).
 *
 * <p>Forward: embed the ids, add the position rows, run the blocks with a causal mask, ln_final, take
 * each row's token at its end-of-text position (the argmax of the ids: EOT has the largest id), project.
 *
 * <p>Init as CLIP's initialize_parameters: token embedding normal(.02), positions normal(.01); per block
 * in_proj_weight normal(W^-0.5), out_proj.weight and c_proj.weight normal(W^-0.5 (2L)^-0.5), c_fc.weight
 * normal((2W)^-0.5); text_projection normal(W^-0.5); biases and norms keep torch's defaults.
 *
 * <p>Not final: open_clip's CLIP model holds these parameters at its top level, so
 * {@code dev.loupe.clip.ClipModel} extends this class.
 */
public class TextTransformer extends Module {
    public final Embedding tokenEmbedding;
    public final Var positionalEmbedding;
    public final ClipTransformer transformer;
    public final LayerNorm lnFinal;
    public final Var textProjection;
    private final TextConfig config;

    public TextTransformer(TextConfig c, Rng rng) {
        this.config = c;
        int w = c.width();
        tokenEmbedding = child("token_embedding", new Embedding(c.vocab(), w, 0.02, rng));
        positionalEmbedding = param("positional_embedding", Tensor.zeros(c.ctx(), w));
        transformer = child("transformer", new ClipTransformer(w, c.layers(), c.heads(), rng.split()));
        lnFinal = child("ln_final", new LayerNorm(w, ResidualAttentionBlock.LN_EPS));
        textProjection = param("text_projection", Tensor.zeros(w, c.embedDim()));
        initText(rng);
    }

    private void initText(Rng rng) {
        int w = config.width();
        double attnStd = Math.pow(w, -0.5);
        double projStd = attnStd * Math.pow(2.0 * config.layers(), -0.5);
        double fcStd = Math.pow(2.0 * w, -0.5);
        Init.normal(positionalEmbedding, 0.01, rng);
        for (ResidualAttentionBlock b : transformer.blocks()) {
            Init.normal(b.attn.inProjWeight, attnStd, rng);
            Init.normal(b.attn.outProj.weight, projStd, rng);
            Init.normal(b.mlp.cFc.weight, fcStd, rng);
            Init.normal(b.mlp.cProj.weight, projStd, rng);
        }
        Init.normal(textProjection, attnStd, rng);
    }

    public TextConfig textConfig() {
        return config;
    }

    /** ids: I64 or I32 (B, L), L <= ctx -> text tokens after ln_final (B, L, W). */
    public Var textTokens(Tensor ids) {
        checkIds(ids);
        int l = ids.size(1);
        Var x = tokenEmbedding.forward(ids); // (B, L, W)
        x = x.add(l == config.ctx() ? positionalEmbedding : positionalEmbedding.narrow(0, 0, l));
        x = transformer.forward(x, true);
        return lnFinal.forward(x);
    }

    /** ids: (B, L) -> text embeddings (B, E), not normalised. */
    public Var encodeText(Tensor ids) {
        Var tokens = textTokens(ids); // (B, L, W)
        int b = ids.size(0), l = ids.size(1), w = config.width();
        // the row index of each sequence's EOT token in the flattened (B*L, W) tokens
        long[] flat = ids.to(DType.I64).contiguous().toLongArray();
        long[] rows = new long[b];
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 1; j < l; j++) if (flat[i * l + j] > flat[i * l + best]) best = j;
            rows[i] = (long) i * l + best;
        }
        Var pooled = tokens.reshape(b * l, w)
                .indexSelect(0, Tensor.ofLongs(rows, b).to(tokens.data().device())); // (B, W)
        return pooled.matmul(textProjection); // (B, E)
    }

    private void checkIds(Tensor ids) {
        if ((ids.dtype() != DType.I64 && ids.dtype() != DType.I32) || ids.rank() != 2) {
            throw new IllegalArgumentException(
                    "text tower: token ids must be I64 or I32 (B, L), got " + ids.dtype() + " " + ids.shape());
        }
        if (ids.size(1) > config.ctx() || ids.size(1) < 1) {
            throw new IllegalArgumentException(
                    "text tower: sequence length " + ids.size(1) + " outside [1, " + config.ctx() + "]");
        }
        for (long id : ids.to(DType.I64).contiguous().toLongArray()) {
            if (id < 0 || id >= config.vocab()) {
                throw new IllegalArgumentException(
                        "text tower: token id " + id + " outside the vocabulary [0, " + config.vocab() + ")");
            }
        }
    }
}
