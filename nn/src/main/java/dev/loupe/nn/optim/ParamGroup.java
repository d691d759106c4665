package dev.loupe.nn.optim;

import dev.loupe.autograd.Var;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share optimiser settings: a learning-rate multiplier (layer-wise decay, patch
 * embed x0.2) and whether weight decay applies.
 */
public record ParamGroup(String name, Map<String, Var> params, double lrScale, boolean weightDecay) {

    /**
     * The usual split (timm, DINO, MAE, CLIP): biases and 1-D parameters (norms, LayerScale, tokens
     * of shape (1, 1, D) are 3-D and keep decay as in DINO) get no weight decay.
     */
    public static List<ParamGroup> decayAndNoDecay(Map<String, Var> named) {
        Map<String, Var> decay = new LinkedHashMap<>(), noDecay = new LinkedHashMap<>();
        named.forEach((k, v) -> (decays(k, v) ? decay : noDecay).put(k, v));
        List<ParamGroup> groups = new ArrayList<>();
        if (!decay.isEmpty()) groups.add(new ParamGroup("decay", decay, 1.0, true));
        if (!noDecay.isEmpty()) groups.add(new ParamGroup("no_decay", noDecay, 1.0, false));
        return groups;
    }

    private static boolean decays(String name, Var v) {
        return !name.endsWith(".bias") && v.data().rank() > 1;
    }

    /**
     * Layer-wise learning-rate decay for a ViT of {@code depth} blocks (BEiT, MAE param_groups_lrd,
     * DINOv2): a parameter at layer id i (see {@link #vitLayerId}) gets lr scale
     * {@code decay^(depth + 1 - i)}, so the head and final norm train at the full rate and the patch
     * embedding at the smallest. Patch-embedding parameters are further scaled by
     * {@code patchEmbedLrScale} (DINOv2's 0.2; 1 for MAE/BEiT) in groups of their own. Biases and
     * 1-D parameters get no weight decay. Groups are named "layer_{i}_decay" / "layer_{i}_no_decay"
     * (suffix "_patch_embed" for the patch-embedding groups), in order of first appearance.
     */
    public static List<ParamGroup> layerwiseDecay(
            Map<String, Var> named, int depth, double decay, double patchEmbedLrScale) {
        if (depth < 1 || !(decay > 0) || !(patchEmbedLrScale > 0)) {
            throw new IllegalArgumentException(
                    "layerwiseDecay: need depth >= 1, decay > 0 and patch-embed lr scale > 0, got " + depth + ", "
                            + decay + ", " + patchEmbedLrScale);
        }
        Map<String, Map<String, Var>> members = new LinkedHashMap<>();
        Map<String, Double> scales = new LinkedHashMap<>();
        Map<String, Boolean> wd = new LinkedHashMap<>();
        named.forEach((k, v) -> {
            int id = vitLayerId(k, depth);
            boolean patchEmbed = k.startsWith("patch_embed.") && patchEmbedLrScale != 1.0;
            boolean d = decays(k, v);
            String group = "layer_" + id + (d ? "_decay" : "_no_decay") + (patchEmbed ? "_patch_embed" : "");
            members.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(k, v);
            scales.put(group, Math.pow(decay, depth + 1 - id) * (patchEmbed ? patchEmbedLrScale : 1.0));
            wd.put(group, d);
        });
        List<ParamGroup> groups = new ArrayList<>();
        members.forEach((g, m) -> groups.add(new ParamGroup(g, m, scales.get(g), wd.get(g))));
        return groups;
    }

    /**
     * The layer id of a timm ViT parameter: 0 for the embeddings (cls_token, pos_embed, reg_token,
     * mask_token, patch_embed.*), i + 1 for blocks.{i}.*, depth + 1 for everything after the blocks
     * (norm, fc_norm, head).
     */
    public static int vitLayerId(String name, int depth) {
        if (name.equals("cls_token")
                || name.equals("pos_embed")
                || name.equals("reg_token")
                || name.equals("mask_token")
                || name.startsWith("patch_embed.")) {
            return 0;
        }
        if (name.startsWith("blocks.")) {
            int end = name.indexOf('.', 7);
            String index = end < 0 ? name.substring(7) : name.substring(7, end);
            int i;
            try {
                i = Integer.parseInt(index);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "vitLayerId: parameter '" + name + "' has no block index after 'blocks.'");
            }
            if (i < 0 || i >= depth) {
                throw new IllegalArgumentException(
                        "vitLayerId: parameter '" + name + "' is in block " + i + " but depth is " + depth);
            }
            return i + 1;
        }
        return depth + 1;
    }

    /** One group holding everything, with weight decay. */
    public static List<ParamGroup> single(Map<String, Var> named) {
        return List.of(new ParamGroup("all", new LinkedHashMap<>(named), 1.0, true));
    }
}
