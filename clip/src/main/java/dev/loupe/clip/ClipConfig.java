package dev.loupe.clip;

import dev.loupe.nn.text.TextConfig;

/**
 * A CLIP model: vision and text towers that embed into the same E dims.
 *
 * @param vision the image tower
 * @param text   the text tower
 */
public record ClipConfig(ClipVisionConfig vision, TextConfig text) {
    public ClipConfig {
        if (vision.embedDim() != text.embedDim()) {
            throw new IllegalArgumentException(
                    "CLIP config: vision embeds into " + vision.embedDim() + " dims, text into " + text.embedDim());
        }
    }

    /** CLIP ViT-B/16 (embed 512, text width 512 / 12 layers / 8 heads, vocab 49408, ctx 77). */
    public static ClipConfig vitB16() {
        return new ClipConfig(ClipVisionConfig.vitB16(), TextConfig.clipBase(512));
    }

    /** One line for logs: "vision 32px/4 w128 l4 h4, text ctx 32 w128 l3 h4, vocab 1000, embed 128". */
    public String summary() {
        return String.format(
                java.util.Locale.ROOT,
                "vision %dpx/%d w%d l%d h%d, text ctx %d w%d l%d h%d, vocab %d, embed %d",
                vision.imageSize(),
                vision.patch(),
                vision.width(),
                vision.layers(),
                vision.heads(),
                text.ctx(),
                text.width(),
                text.layers(),
                text.heads(),
                text.vocab(),
                embedDim());
    }

    /** The shared embedding size E. */
    public int embedDim() {
        return vision.embedDim();
    }
}
