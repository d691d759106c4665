package dev.loupe.ssl.dinov2;

import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.ssl.dino.DinoHead;
import dev.loupe.tensor.Rng;

/** DINOv2's student or teacher: backbone.* ({@link MaskableVit}) and dino_head.* (shared by DINO and iBOT). */
public final class Dinov2Network extends Module {
    public final MaskableVit backbone;
    public final DinoHead dinoHead;

    public Dinov2Network(ViTConfig vit, Dinov2Config cfg, Rng rng) {
        backbone = child("backbone", new MaskableVit(vit, rng.split()));
        dinoHead = child(
                "dino_head",
                new DinoHead(vit.dim(), cfg.outDim(), cfg.hiddenDim(), cfg.bottleneckDim(), true, rng.split()));
    }
}
