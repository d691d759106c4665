package dev.loupe.nn;

import dev.loupe.tensor.Tensor;

import java.util.Map;

/**
 * Recovers a {@link ViTConfig} from a timm-named state dict: dim from cls_token (1, 1, D); patch kernel,
 * channels from patch_embed.proj.weight (D, C, K, K); image size from pos_embed (1, 1 + N, D) and the
 * patch stride (K, unless given for overlapping patches);
 * depth from the blocks.{i} present; MLP ratio from blocks.0.mlp.fc1.weight; classes from head.weight.
 * Heads cannot be read from shapes and are given.
 */
public final class VitShapes {
    private VitShapes() {}

    /** Non-overlapping patches: the stride is the kernel. */
    public static ViTConfig infer(Map<String, Tensor> state, int heads) {
        return infer(state, heads, null);
    }

    /** {@code patchStride}: the patch embedding's stride, null when it equals the kernel. */
    public static ViTConfig infer(Map<String, Tensor> state, int heads, Integer patchStride) {
        Tensor cls = require(state, "cls_token"), conv = require(state, "patch_embed.proj.weight"), pos = require(state, "pos_embed");
        int dim = cls.size(-1);
        int kernel = conv.size(2), channels = conv.size(1);
        int patch = patchStride != null ? patchStride : kernel;
        int tokens = pos.size(1) - 1;
        int grid = (int) Math.round(Math.sqrt(tokens));
        if (grid * grid != tokens) {
            throw new IllegalArgumentException("pos_embed " + pos.shape() + " does not hold 1 + a square number of patch rows");
        }
        int depth = 0;
        while (state.containsKey("blocks." + depth + ".attn.qkv.weight")) depth++;
        if (depth == 0) throw new IllegalArgumentException("no blocks.0.attn.qkv.weight in the weights: not a timm-named ViT");
        Tensor fc1 = require(state, "blocks.0.mlp.fc1.weight");
        Tensor head = state.get("head.weight");
        if (dim % heads != 0) throw new IllegalArgumentException("--heads " + heads + " does not divide the width " + dim);
        return new ViTConfig(grid * patch, patch, channels, dim, depth, heads, (double) fc1.size(0) / dim,
                state.containsKey("blocks.0.attn.qkv.bias"), 0.0, false, 0.0, 0, false, false,
                head == null ? 0 : head.size(0), 1e-6, kernel);
    }

    private static Tensor require(Map<String, Tensor> state, String name) {
        Tensor t = state.get(name);
        if (t == null) throw new IllegalArgumentException("the weights have no '" + name + "' (expected timm / DINO names)");
        return t;
    }
}
