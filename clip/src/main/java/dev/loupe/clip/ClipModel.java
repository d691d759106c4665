package dev.loupe.clip;

import dev.loupe.autograd.Var;
import dev.loupe.nn.text.TextTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * CLIP with open_clip's checkpoint layout: the image tower under {@code visual.*}, the text tower's
 * parameters at the top level (token_embedding, positional_embedding, transformer.*, ln_final,
 * text_projection) and {@code logit_scale}, a scalar initialised to ln(1/0.07) and kept in
 * [0, ln 100] by {@link #clampLogitScale()} after every optimiser step.
 *
 * <p>Extends {@link TextTransformer} because open_clip's CLIP holds the text tower's parameters itself.
 */
public class ClipModel extends TextTransformer {
    /** ln(1/0.07), CLIP's initial log temperature. */
    public static final double LOGIT_SCALE_INIT = Math.log(1 / 0.07);
    /** ln 100: the largest logit scale allowed. */
    public static final double LOGIT_SCALE_MAX = Math.log(100);

    public final ClipVisionTransformer visual;
    public final Var logitScale;
    private final ClipConfig config;

    public ClipModel(ClipConfig config, Rng rng) {
        super(config.text(), rng);
        this.config = config;
        this.visual = child("visual", new ClipVisionTransformer(config.vision(), rng.split()));
        this.logitScale = param("logit_scale", Tensor.scalar((float) LOGIT_SCALE_INIT));
    }

    public ClipConfig config() {
        return config;
    }

    /** images (B, 3, S, S) -> (B, E), not normalised. */
    public Var encodeImage(Tensor images) {
        return visual.forward(Var.of(images));
    }

    /** images (B, 3, S, S) -> ln_post(CLS) features before the projection (B, W). */
    public Var imageFeatures(Tensor images) {
        return visual.features(Var.of(images));
    }

    /** Clamps logit_scale into [0, ln 100] in place, as CLIP does after every step. */
    public void clampLogitScale() {
        logitScale.updateInPlace(d -> d.copyFrom(d.clamp(0, LOGIT_SCALE_MAX)));
    }

    /** exp(logit_scale), the multiplier of the cosine similarities. */
    public double logitScaleValue() {
        return Math.exp(logitScale.item());
    }
}
