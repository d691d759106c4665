package dev.loupe.nn.train;

import java.util.Locale;

/** Gradient clipping before the optimiser step. */
public enum GradClipMode {
    /** No clipping. */
    NONE,
    /** All gradients scaled together so their joint L2 norm is at most the limit (torch clip_grad_norm_). */
    GLOBAL_NORM,
    /** Each parameter's gradient scaled to norm at most the limit (DINO's clip_gradients, 3.0). */
    PER_PARAMETER;

    public static GradClipMode parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "none" -> NONE;
            case "global", "global-norm" -> GLOBAL_NORM;
            case "per-param", "per-parameter" -> PER_PARAMETER;
            default ->
                throw new IllegalArgumentException(
                        "clip mode must be none, global-norm or per-parameter, got '" + s + "'");
        };
    }
}
