package dev.loupe.clip;

/**
 * Shape of a CLIP vision transformer.
 *
 * @param imageSize square input side in pixels (divisible by patch)
 * @param patch     patch side
 * @param width     token width W
 * @param layers    residual attention blocks
 * @param heads     attention heads
 * @param embedDim  output embedding size E (columns of proj)
 */
public record ClipVisionConfig(int imageSize, int patch, int width, int layers, int heads, int embedDim) {
    public ClipVisionConfig {
        if (imageSize < 1 || patch < 1 || width < 1 || layers < 1 || heads < 1 || embedDim < 1) {
            throw new IllegalArgumentException("vision config: every size must be positive: " + this);
        }
        if (imageSize % patch != 0)
            throw new IllegalArgumentException(
                    "vision config: image " + imageSize + " not divisible by patch " + patch);
        if (width % heads != 0)
            throw new IllegalArgumentException(
                    "vision config: width " + width + " not divisible by " + heads + " heads");
    }

    /** CLIP ViT-B/16: 224 px, patch 16, width 768, 12 layers, 12 heads, embed 512. */
    public static ClipVisionConfig vitB16() {
        return new ClipVisionConfig(224, 16, 768, 12, 12, 512);
    }

    /** CLIP ViT-B/32: 224 px, patch 32, width 768, 12 layers, 12 heads, embed 512. */
    public static ClipVisionConfig vitB32() {
        return new ClipVisionConfig(224, 32, 768, 12, 12, 512);
    }

    /** Patches per side. */
    public int grid() {
        return imageSize / patch;
    }

    /** Patch tokens N = grid^2. */
    public int numPatches() {
        return grid() * grid();
    }
}
