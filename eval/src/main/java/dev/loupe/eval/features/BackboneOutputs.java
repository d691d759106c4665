package dev.loupe.eval.features;

import dev.loupe.autograd.Var;
import dev.loupe.nn.VisionTransformer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLS tokens of the last k blocks of a ViT, each through the final norm, as DINO's
 * get_intermediate_layers ({@link VisionTransformer#forwardIntermediate}), alone or followed by the
 * last block's mean patch token (DINOv2's linear-evaluation input).
 */
final class BackboneOutputs {
    private BackboneOutputs() {}

    /** images (B, C, H, W) -> (B, k D): normed CLS of blocks depth-k .. depth-1, concatenated in that order. */
    static Var lastBlocksCls(VisionTransformer model, Var images, int k) {
        List<Var> cls = new ArrayList<>(k);
        for (Var tokens : model.forwardIntermediate(images, k)) cls.add(tokens.select(1, 0)); // (B, D) each
        return Var.concat(1, cls); // (B, k D)
    }

    /** images (B, C, H, W) -> (B, (k + 1) D): {@link #lastBlocksCls}, then the normed last block's mean patch token. */
    static Var lastBlocksClsAndMean(VisionTransformer model, Var images, int k) {
        List<Var> outputs = model.forwardIntermediate(images, k); // k x (B, T, D)
        List<Var> parts = new ArrayList<>(k + 1);
        for (Var tokens : outputs) parts.add(tokens.select(1, 0)); // (B, D) each
        parts.add(model.meanPatchToken(outputs.getLast())); // (B, D)
        return Var.concat(1, parts); // (B, (k + 1) D)
    }
}
