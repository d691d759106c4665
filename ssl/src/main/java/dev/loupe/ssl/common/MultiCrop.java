package dev.loupe.ssl.common;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * DINO's MultiCropWrapper forward order: consecutive views of the same resolution are concatenated
 * along the batch and go through the backbone once; the per-group outputs are concatenated again,
 * so row {@code v * B + b} of the result belongs to view v of sample b.
 */
public final class MultiCrop {
    private MultiCrop() {}

    /** Runs {@code backbone} ((n*B, C, H, W) -> (n*B, ...)) once per run of same-size views; returns (V*B, ...). */
    public static Var forward(List<Tensor> views, Function<Var, Var> backbone) {
        requireSameBatchAndChannels(views);
        List<Var> outputs = new ArrayList<>();
        int start = 0;
        while (start < views.size()) {
            int end = start + 1;
            while (end < views.size() && sameResolution(views.get(start), views.get(end))) end++;
            List<Tensor> group = views.subList(start, end);
            // images: (n*B, C, H, W) for the n views of this resolution
            Tensor images = group.size() == 1 ? group.getFirst() : Tensor.concat(0, group.toArray(Tensor[]::new));
            outputs.add(backbone.apply(Var.of(images)));
            start = end;
        }
        return outputs.size() == 1 ? outputs.getFirst() : Var.concat(0, outputs);
    }

    /**
     * Each view's head output: the views go through {@code backbone} as {@link #forward} runs them (views of
     * one size together: nothing in a ViT mixes images), then each view's rows through {@code head} alone, so
     * a head with batch norm sees one view's batch, as the references run it. views: V x (B, C, H, W) ->
     * V x (B, ...).
     */
    public static List<Var> perView(List<Tensor> views, Function<Var, Var> backbone, Function<Var, Var> head) {
        Var features = forward(views, backbone); // (V B, ...), view-major
        int b = views.getFirst().size(0);
        List<Var> out = new ArrayList<>(views.size());
        for (int v = 0; v < views.size(); v++) out.add(head.apply(features.narrow(0, v * b, b)));
        return out;
    }

    /**
     * {@link #perView} without recording anything: the head outputs of a network that is not trained by
     * gradients (BYOL's target, MoCo's momentum encoder) as constants. views: V x (B, C, H, W) -> V x (B, ...).
     */
    public static List<Tensor> perViewConstant(
            List<Tensor> views, Function<Var, Var> backbone, Function<Var, Var> head) {
        try (var scope = GradMode.disable()) {
            return perView(views, backbone, head).stream().map(Var::data).toList();
        }
    }

    private static boolean sameResolution(Tensor a, Tensor b) {
        return a.size(2) == b.size(2) && a.size(3) == b.size(3);
    }

    /** views itself when it holds exactly the two views a two-view method (BYOL, VICReg, MoCo v3) needs; else an error naming method. */
    public static List<Tensor> twoViews(List<Tensor> views, String method) {
        if (views.size() != 2)
            throw new IllegalArgumentException(method + " needs exactly 2 views per batch, got " + views.size());
        return views;
    }

    /** Every view must be (B, C, H, W) with the same B and C. */
    public static void requireSameBatchAndChannels(List<Tensor> views) {
        Tensor first = views.getFirst();
        for (int i = 0; i < views.size(); i++) {
            Tensor v = views.get(i);
            if (v.rank() != 4 || v.size(0) != first.size(0) || v.size(1) != first.size(1)) {
                throw new IllegalArgumentException(
                        "multi-crop: view " + i + " has shape " + v.shape() + ", expected (B, C, H, W) with B = "
                                + first.size(0) + " and C = " + first.size(1) + " as view 0");
            }
        }
    }
}
