package dev.loupe.eval.features;

import dev.loupe.autograd.Var;
import dev.loupe.nn.VisionTransformer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLS tokens of the last k blocks of a ViT, each through the final norm, as DINO's
 * get_intermediate_layers ({@link VisionTransformer#forwardIntermediate}), alone or followed by the
 * last block's mean patch token (DINOv2's linear-evaluation input) and its patch tokens pooled over a grid.
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
        return lastBlocksClsMeanAndGrid(model, images, k, 0);
    }

    /**
     * images (B, C, H, W) -> (B, (k + 1 + g^2) D): {@link #lastBlocksClsAndMean}, then (g > 0) the normed last
     * block's patch tokens averaged over each region of a g x g grid, row by row ({@link FeatureMode#LAST_K_MEAN_GRID}).
     */
    static Var lastBlocksClsMeanAndGrid(VisionTransformer model, Var images, int k, int g) {
        List<Var> outputs = model.forwardIntermediate(images, k); // k x (B, T, D)
        List<Var> parts = new ArrayList<>(k + 1 + g * g);
        for (Var tokens : outputs) parts.add(tokens.select(1, 0)); // (B, D) each
        Var last = outputs.getLast();
        parts.add(model.meanPatchToken(last)); // (B, D)
        if (g > 0) parts.addAll(gridMeans(model, last, g));
        return Var.concat(1, parts); // (B, (k + 1 + g^2) D)
    }

    /** tokens (B, T, D) -> g^2 region means (B, D) of its patch tokens, row by row. */
    private static List<Var> gridMeans(VisionTransformer model, Var last, int g) {
        List<Var> regions = new ArrayList<>(g * g);
        int side = model.config().gridSize(), skip = 1 + model.config().registers();
        Var patches = last.narrow(1, skip, side * side) // (B, G * G, D)
                .reshape(last.size(0), side, side, last.size(2)); // (B, G, G, D)
        for (int row = 0; row < g; row++) {
            int r0 = regionStart(row, side, g), r1 = regionEnd(row, side, g);
            for (int col = 0; col < g; col++) {
                int c0 = regionStart(col, side, g), c1 = regionEnd(col, side, g);
                regions.add(
                        patches.narrow(1, r0, r1 - r0).narrow(2, c0, c1 - c0).mean(false, 1, 2)); // (B, D)
            }
        }
        return regions;
    }

    /** First patch of region i of g along a side of n patches: floor(i n / g) (torch's adaptive pooling). */
    static int regionStart(int i, int n, int g) {
        return i * n / g;
    }

    /** One past the last patch of region i: ceil((i + 1) n / g). */
    static int regionEnd(int i, int n, int g) {
        return ((i + 1) * n + g - 1) / g;
    }
}
