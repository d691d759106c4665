package dev.loupe.eval.features;

import dev.loupe.autograd.Var;
import dev.loupe.nn.VisionTransformer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLS tokens of the last k blocks of a ViT, each through the final norm, as DINO's
 * get_intermediate_layers ({@link VisionTransformer#forwardIntermediate}).
 */
final class BackboneOutputs {
    private BackboneOutputs() {}

    /** images (B, C, H, W) -> (B, k D): normed CLS of blocks depth-k .. depth-1, concatenated in that order. */
    static Var lastBlocksCls(VisionTransformer model, Var images, int k) {
        List<Var> cls = new ArrayList<>(k);
        for (Var tokens : model.forwardIntermediate(images, k)) cls.add(tokens.select(1, 0)); // (B, D) each
        return Var.concat(1, cls); // (B, k D)
    }
}
