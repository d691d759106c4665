package dev.loupe.ssl.mae;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Block;
import dev.loupe.nn.Init;
import dev.loupe.nn.LayerNorm;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.nn.PatchEmbed;
import dev.loupe.nn.SinCos;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.ssl.common.ModuleList;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MAE (models_mae.py MaskedAutoencoderViT). Encoder: the pieces of a {@link VisionTransformer}
 * (patch embedding, CLS token, blocks, final norm) with the fixed 2-D sin-cos position embedding,
 * run on the visible tokens only. Decoder: decoder_embed to the decoder width, mask tokens put back
 * in place, fixed sin-cos decoder_pos_embed, decoder blocks, decoder_norm, decoder_pred to p*p*C.
 * Names: cls_token, pos_embed (buffer), patch_embed.proj.*, blocks.*, norm.*, mask_token,
 * decoder_embed.*, decoder_pos_embed (buffer), decoder_blocks.*, decoder_norm.*, decoder_pred.*.
 * Init as MAE: xavier_uniform Linears (bias 0), LayerNorm (1, 0), tokens normal(.02).
 */
public final class MaskedAutoencoder extends Module {
    /** Predictions (B, L, p*p*C) and the mask (B, L), 1 for removed patches. */
    public record Output(Var pred, Tensor mask) {}

    private final MaeConfig config;
    public final Var clsToken, maskToken;
    public final PatchEmbed patchEmbed;
    public final ModuleList<Block> blocks, decoderBlocks;
    public final LayerNorm norm, decoderNorm;
    public final Linear decoderEmbed, decoderPred;

    public MaskedAutoencoder(MaeConfig cfg, Rng rng) {
        this.config = cfg;
        ViTConfig enc = cfg.encoder();
        VisionTransformer vit = new VisionTransformer(enc, rng.split());
        Init.mae(vit, rng.split());
        clsToken = param("cls_token", vit.clsToken.data());
        buffer("pos_embed", vit.posEmbed.data());
        patchEmbed = child("patch_embed", vit.patchEmbed);
        blocks = child("blocks", new ModuleList<>());
        for (Block b : vit.blocks) blocks.add(b);
        norm = child("norm", vit.norm);

        int dd = cfg.decoderDim(), pixels = enc.patch() * enc.patch() * enc.channels();
        decoderEmbed = child("decoder_embed", new Linear(enc.dim(), dd, true, rng.split()));
        maskToken = param("mask_token", Tensor.zeros(1, 1, dd));
        buffer("decoder_pos_embed", SinCos.embedding2d(dd, enc.gridSize(), true));
        decoderBlocks = child("decoder_blocks", new ModuleList<>());
        ViTConfig dec = cfg.decoderBlocks();
        for (int i = 0; i < cfg.decoderDepth(); i++) decoderBlocks.add(new Block(dec, 0.0, rng.split()));
        decoderNorm = child("decoder_norm", new LayerNorm(dd, enc.lnEps()));
        decoderPred = child("decoder_pred", new Linear(dd, pixels, true, rng.split()));
        initDecoder(rng.split());
    }

    // MAE: mask_token normal(.02); every decoder Linear xavier_uniform with bias 0; LayerNorms (1, 0)
    private void initDecoder(Rng rng) {
        Init.normal(maskToken, 0.02, rng);
        namedParameters().forEach((name, p) -> {
            if (!name.startsWith("decoder") || !name.endsWith("weight")) return;
            if (p.rank() == 2) Init.xavierUniform(p, rng);
            else Init.constant(p, 1); // LayerNorm weight
        });
        namedParameters().forEach((name, p) -> {
            if (name.startsWith("decoder") && name.endsWith("bias")) Init.constant(p, 0);
        });
    }

    public MaeConfig config() {
        return config;
    }

    /** images (B, C, H, W) at the configured size, masking from {@link RandomMasking} -> predictions and mask. */
    public Output forward(Var images, RandomMasking.Result masking) {
        ViTConfig enc = config.encoder();
        if (images.rank() != 4 || images.size(2) != enc.imageSize() || images.size(3) != enc.imageSize()) {
            throw new IllegalArgumentException("MAE: images " + images.data().shape() + " must be (B, C, "
                    + enc.imageSize() + ", " + enc.imageSize() + ") (fixed sin-cos position embedding)");
        }
        int b = images.size(0), l = enc.numPatches();
        if (masking.idsRestore().size(0) != b || masking.idsRestore().size(1) != l) {
            throw new IllegalArgumentException(
                    "MAE: masking " + masking.idsRestore().shape() + " does not match (" + b + ", " + l + ")");
        }
        Var latent = encode(images, masking); // (B, 1 + keep, D)
        return new Output(decode(latent, masking), masking.mask());
    }

    /** Encoder on the visible tokens: (B, 1 + keep, D) after the final norm. */
    public Var encode(Var images, RandomMasking.Result masking) {
        int d = config.encoder().dim(), l = config.encoder().numPatches(), b = images.size(0), keep = masking.keep();
        Var pos = Var.of(buffer("pos_embed"));
        Var x = patchEmbed.forward(images).add(pos.narrow(1, 1, l)); // (B, L, D)
        x = x.reshape(b * l, d)
                .indexSelect(0, rowIndex(masking.idsKeep(), l, x.data()))
                .reshape(b, keep, d);
        Var cls = clsToken.add(pos.narrow(1, 0, 1)).expand(b, 1, d);
        x = Var.concat(1, List.of(cls, x)); // (B, 1 + keep, D)
        for (Block blk : blocks.items()) x = blk.forward(x);
        return norm.forward(x);
    }

    /** Decoder: latent (B, 1 + keep, D) -> predictions (B, L, p*p*C) in the original patch order. */
    public Var decode(Var latent, RandomMasking.Result masking) {
        int dd = config.decoderDim(), l = config.encoder().numPatches(), b = latent.size(0), keep = masking.keep();
        Var y = decoderEmbed.forward(latent); // (B, 1 + keep, Dd)
        Var tokens =
                Var.concat(1, List.of(y.narrow(1, 1, keep), maskToken.expand(b, l - keep, dd))); // (B, L, Dd), shuffled
        tokens = tokens.reshape(b * l, dd)
                .indexSelect(0, rowIndex(masking.idsRestore(), l, tokens.data()))
                .reshape(b, l, dd);
        y = Var.concat(1, List.of(y.narrow(1, 0, 1), tokens))
                .add(Var.of(buffer("decoder_pos_embed"))); // (B, 1 + L, Dd)
        for (Block blk : decoderBlocks.items()) y = blk.forward(y);
        y = decoderPred.forward(decoderNorm.forward(y)); // (B, 1 + L, p*p*C)
        return y.narrow(1, 1, l);
    }

    // (B, n) per-row indices into rows of length `stride` -> flat (B*n) indices i * stride + idx, on the device of
    // `like`
    private static Tensor rowIndex(Tensor ids, int stride, Tensor like) {
        int b = ids.size(0), n = ids.size(1);
        ids = ids.cpu();
        long[] flat = new long[b * n];
        for (int i = 0; i < b; i++) for (int j = 0; j < n; j++) flat[i * n + j] = (long) i * stride + ids.getLong(i, j);
        return Tensor.ofLongs(flat, flat.length).to(like.device());
    }

    /** The encoder's weights under plain timm ViT names, loadable into a VisionTransformer without head. */
    public Map<String, Tensor> encoderStateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stateDict().forEach((name, t) -> {
            if (!name.startsWith("decoder") && !name.equals("mask_token")) out.put(name, t);
        });
        return out;
    }
}
