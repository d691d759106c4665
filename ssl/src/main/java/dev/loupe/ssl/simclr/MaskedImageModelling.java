package dev.loupe.ssl.simclr;

import dev.loupe.ssl.common.BlockMasking;

/**
 * SimCLR's optional masked-image term: SimMIM's pixel reconstruction ({@link MaskedPixelLoss}) of the
 * masked patches of the two full views, added to NT-Xent with {@code weight}. The masks are DINOv2's
 * block masks: a share {@code maskProbability} of the 2B full-view images gets one, with a masked share
 * of the grid spread over [maskRatioMin, maskRatioMax] across the batch (DINOv2: 0.5, 0.1 - 0.5).
 */
public record MaskedImageModelling(double weight, double maskProbability, double maskRatioMin, double maskRatioMax) {
    public MaskedImageModelling {
        if (!(weight > 0) || !Double.isFinite(weight))
            throw new IllegalArgumentException("masked-image weight must be finite and > 0, got " + weight);
        BlockMasking.requireSettings("masked-image masks", maskProbability, maskRatioMin, maskRatioMax);
    }
}
