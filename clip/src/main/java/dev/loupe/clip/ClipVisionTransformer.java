package dev.loupe.clip;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Init;
import dev.loupe.nn.LayerNorm;
import dev.loupe.nn.Module;
import dev.loupe.nn.text.ClipTransformer;
import dev.loupe.nn.text.ResidualAttentionBlock;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;

/**
 * CLIP's image tower (open_clip names, under {@code visual.} in a {@link ClipModel}): conv1.weight
 * (W, 3, p, p) without bias, class_embedding (W), positional_embedding (N+1, W), ln_pre,
 * transformer.resblocks.{i}.* (pre-LN, QuickGELU, no mask), ln_post, proj (W, E) used as x @ P.
 *
 * <p>Forward: patchify, prepend the class embedding, add positions, ln_pre, blocks, ln_post on the CLS
 * token, project. Init as CLIP: class_embedding, positional_embedding and proj normal(W^-0.5); conv1
 * and the blocks keep torch's default inits.
 */
public final class ClipVisionTransformer extends Module {
    public final ClipPatchConv conv1;
    public final Var classEmbedding, positionalEmbedding, proj;
    public final LayerNorm lnPre, lnPost;
    public final ClipTransformer transformer;
    private final ClipVisionConfig config;

    public ClipVisionTransformer(ClipVisionConfig c, Rng rng) {
        this.config = c;
        int w = c.width();
        double scale = Math.pow(w, -0.5);
        conv1 = child("conv1", new ClipPatchConv(3, w, c.patch(), rng));
        classEmbedding = param("class_embedding", Tensor.randn(rng, w).mul(scale));
        positionalEmbedding = param(
                "positional_embedding", Tensor.randn(rng, c.numPatches() + 1, w).mul(scale));
        lnPre = child("ln_pre", new LayerNorm(w, ResidualAttentionBlock.LN_EPS));
        transformer = child("transformer", new ClipTransformer(w, c.layers(), c.heads(), rng.split()));
        lnPost = child("ln_post", new LayerNorm(w, ResidualAttentionBlock.LN_EPS));
        proj = param("proj", Tensor.zeros(w, c.embedDim()));
        Init.normal(proj, scale, rng);
    }

    public ClipVisionConfig config() {
        return config;
    }

    /** images (B, 3, S, S) -> ln_post(CLS) (B, W): the features before the projection (SLIP's SimCLR head input). */
    public Var features(Var images) {
        if (images.rank() != 4 || images.size(2) != config.imageSize() || images.size(3) != config.imageSize()) {
            throw new IllegalArgumentException(
                    "CLIP vision tower: images " + images.data().shape() + " must be (B, 3, " + config.imageSize()
                            + ", " + config.imageSize() + ")");
        }
        int b = images.size(0), w = config.width();
        Var patches = conv1.forward(images); // (B, N, W)
        Var cls = classEmbedding.reshape(1, 1, w).expand(b, 1, w); // (B, 1, W)
        Var x = Var.concat(1, List.of(cls, patches)).add(positionalEmbedding); // (B, N+1, W)
        x = transformer.forward(lnPre.forward(x), false);
        return lnPost.forward(x.select(1, 0)); // (B, W)
    }

    /** images (B, 3, S, S) -> image embeddings (B, E), not normalised. */
    public Var forward(Var images) {
        return features(images).matmul(proj);
    }
}
