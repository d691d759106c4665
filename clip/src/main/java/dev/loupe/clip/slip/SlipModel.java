package dev.loupe.clip.slip;

import dev.loupe.autograd.Var;
import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.ssl.simclr.SimClrHead;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * SLIP: a {@link ClipModel} plus the SimCLR head {@code image_mlp.*} ({@link SimClrHead}) on the image tower's
 * pre-projection features (SLIP's checkpoint layout: visual.*, the text tower at the top level,
 * logit_scale, image_mlp.layer1/bn1/layer2/bn2/layer3).
 */
public final class SlipModel extends ClipModel {
    /** SLIP's head sizes. */
    public static final int DEFAULT_MLP_HIDDEN = 4096, DEFAULT_MLP_OUT = 256;

    public final SimClrHead imageMlp;

    /** SLIP's head sizes 4096 / 256. */
    public SlipModel(ClipConfig config, Rng rng) {
        this(config, DEFAULT_MLP_HIDDEN, DEFAULT_MLP_OUT, rng);
    }

    public SlipModel(ClipConfig config, int mlpHidden, int mlpOut, Rng rng) {
        super(config, rng);
        imageMlp = child("image_mlp", new SimClrHead(config.vision().width(), mlpHidden, mlpOut, rng.split()));
    }

    /** An SSL view (B, 3, S, S) -> SimCLR projection (B, out). */
    public Var sslEmbed(Tensor view) {
        return imageMlp.forward(imageFeatures(view));
    }
}
