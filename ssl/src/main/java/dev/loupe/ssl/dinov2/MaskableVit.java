package dev.loupe.ssl.dinov2;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Block;
import dev.loupe.nn.LayerNorm;
import dev.loupe.nn.Module;
import dev.loupe.nn.PatchEmbed;
import dev.loupe.nn.PosEmbedInterpolation;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.ssl.common.ModuleList;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DINOv2's student backbone: a {@link VisionTransformer} (its patch embedding, tokens, blocks and
 * final norm, taken over from a freshly initialised one) plus a learned {@code mask_token} (1, D),
 * zero at start, that replaces the embeddings of masked patches before the position embedding.
 * Names: cls_token, pos_embed, reg_token, mask_token, patch_embed.*, blocks.*, norm.*; every name
 * but mask_token loads into a plain VisionTransformer ({@link #vitStateDict}).
 */
public final class MaskableVit extends Module {
    /** Final-norm outputs: cls (B, D) and patch tokens (B, N, D) (registers dropped). */
    public record Output(Var cls, Var patches) {}

    private final ViTConfig config;
    public final Var clsToken, posEmbed, regToken, maskToken;
    public final PatchEmbed patchEmbed;
    public final ModuleList<Block> blocks;
    public final LayerNorm norm;

    /** {@code c} must have no classification head (numClasses 0). */
    public MaskableVit(ViTConfig c, Rng rng) {
        if (c.numClasses() != 0)
            throw new IllegalArgumentException(
                    "DINOv2 backbone must have no classification head, got numClasses " + c.numClasses());
        this.config = c;
        VisionTransformer vit = new VisionTransformer(c, rng);
        clsToken = param("cls_token", vit.clsToken.data());
        posEmbed = param("pos_embed", vit.posEmbed.data());
        regToken = vit.regToken != null ? param("reg_token", vit.regToken.data()) : null;
        maskToken = param("mask_token", Tensor.zeros(1, c.dim()));
        patchEmbed = child("patch_embed", vit.patchEmbed);
        blocks = child("blocks", new ModuleList<>());
        for (Block b : vit.blocks) blocks.add(b);
        norm = child("norm", vit.norm);
    }

    public ViTConfig config() {
        return config;
    }

    /**
     * images (B, C, H, W), masks BOOL (B, N) or null -> cls (B, D) and patch tokens (B, N, D) after
     * the final norm. Other sizes than configured get the position embedding resized as DINO does.
     */
    public Output forward(Var images, Tensor masks) {
        Var x = patchEmbed.forward(images); // (B, N, D)
        int b = x.size(0), n = x.size(1), d = config.dim();
        if (masks != null) {
            if (masks.dtype() != DType.BOOL || masks.rank() != 2 || masks.size(0) != b || masks.size(1) != n) {
                throw new IllegalArgumentException(
                        "DINOv2 masks must be BOOL (" + b + ", " + n + "), got " + masks.dtype() + " " + masks.shape());
            }
            Tensor cond = masks.reshape(b, n, 1).expand(b, n, d);
            x = Var.where(cond, maskToken.reshape(1, 1, d).expand(b, n, d), x);
        }
        Var pos = PosEmbedInterpolation.dino(
                posEmbed, 1, images.size(2) / config.patch(), images.size(3) / config.patch());
        x = Var.concat(1, List.of(clsToken.expand(b, 1, d), x)).add(pos); // (B, N + 1, D)
        int r = config.registers();
        if (regToken != null) {
            x = Var.concat(1, List.of(x.narrow(1, 0, 1), regToken.expand(b, r, d), x.narrow(1, 1, n)));
        }
        for (Block blk : blocks.items()) x = blk.forward(x);
        x = norm.forward(x); // (B, 1 + R + N, D)
        return new Output(x.select(1, 0), x.narrow(1, 1 + r, n));
    }

    /** The weights under plain timm ViT names (everything but mask_token), loadable into a VisionTransformer. */
    public Map<String, Tensor> vitStateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>(stateDict());
        out.remove("mask_token");
        return out;
    }
}
