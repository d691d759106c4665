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
        named.forEach((k, v) -> (k.endsWith(".bias") || v.data().rank() <= 1 ? noDecay : decay).put(k, v));
        List<ParamGroup> groups = new ArrayList<>();
        if (!decay.isEmpty()) groups.add(new ParamGroup("decay", decay, 1.0, true));
        if (!noDecay.isEmpty()) groups.add(new ParamGroup("no_decay", noDecay, 1.0, false));
        return groups;
    }

    /** One group holding everything, with weight decay. */
    public static List<ParamGroup> single(Map<String, Var> named) {
        return List.of(new ParamGroup("all", new LinkedHashMap<>(named), 1.0, true));
    }
}
