package dev.loupe.eval.features;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Block;
import dev.loupe.nn.PosEmbedInterpolation;
import dev.loupe.nn.VisionTransformer;

import java.util.ArrayList;
import java.util.List;

/**
 * The CLS tokens of the last k blocks of a ViT, each through the final norm, as DINO's
 * get_intermediate_layers: the same token preparation as {@link VisionTransformer#forwardTokens}
 * (patch embedding, CLS, position embedding resized to the grid, registers after CLS), keeping the
 * output of every block from depth - k on.
 */
final class BackboneOutputs {
    private BackboneOutputs() {}

    /** images (B, C, H, W) -> (B, k D): normed CLS of blocks depth-k .. depth-1, concatenated in that order. */
    static Var lastBlocksCls(VisionTransformer model, Var images, int k) {
        int depth = model.blocks.size();
        if (k < 1 || k > depth) throw new IllegalArgumentException("last-k features: k must be in [1, " + depth + "], got " + k);
        int d = model.config().dim(), patch = model.config().patch(), registers = model.config().registers();
        Var x = model.patchEmbed.forward(images);                                               // (B, N, D)
        int b = x.size(0);
        Var pos = PosEmbedInterpolation.dino(model.posEmbed, 1, images.size(2) / patch, images.size(3) / patch);
        x = Var.concat(1, List.of(model.clsToken.expand(b, 1, d), x)).add(pos);                // (B, 1 + N, D)
        if (model.regToken != null) {
            x = Var.concat(1, List.of(x.narrow(1, 0, 1), model.regToken.expand(b, registers, d), x.narrow(1, 1, x.size(1) - 1)));
        }
        List<Var> cls = new ArrayList<>(k);
        for (int i = 0; i < depth; i++) {
            Block blk = model.blocks.get(i);
            x = blk.forward(x);                                                                 // (B, 1 + R + N, D)
            if (i >= depth - k) cls.add(model.norm.forward(x.select(1, 0)));                   // (B, D)
        }
        return Var.concat(1, cls);                                                              // (B, k D)
    }
}
