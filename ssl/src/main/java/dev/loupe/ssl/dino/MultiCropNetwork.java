package dev.loupe.ssl.dino;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.ssl.common.MultiCrop;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;

/**
 * DINO's MultiCropWrapper: a ViT backbone (CLS output of forwardFeatures) and a {@link DinoHead}.
 * Names: backbone.* (timm ViT names, loadable into a plain {@link VisionTransformer}), head.*.
 */
public final class MultiCropNetwork extends Module {
    public final VisionTransformer backbone;
    public final DinoHead head;

    /** {@code vit} must have no classification head (numClasses 0). */
    public MultiCropNetwork(ViTConfig vit, DinoConfig cfg, Rng rng) {
        if (vit.numClasses() != 0) {
            throw new IllegalArgumentException(
                    "DINO backbone must have no classification head, got numClasses " + vit.numClasses());
        }
        backbone = child("backbone", new VisionTransformer(vit, rng.split()));
        head = child(
                "head",
                new DinoHead(
                        vit.dim(),
                        cfg.outDim(),
                        cfg.hiddenDim(),
                        cfg.bottleneckDim(),
                        cfg.normLastLayer(),
                        rng.split()));
    }

    /** views: each (B, C, H, W) -> head outputs (V*B, K), view-major; the backbone runs once per resolution group. */
    public Var forward(List<Tensor> views) {
        Var features = MultiCrop.forward(views, backbone::forwardFeatures); // (V*B, D)
        return head.forward(features);
    }
}
