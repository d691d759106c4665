package dev.loupe.cli.train;

import dev.loupe.ssl.simclr.MaskedImageModelling;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** SimCLR's masked-image term: SimMIM's masked-pixel loss beside NT-Xent, on DINOv2's block masks. */
public final class MaskedImageOptions {
    @Option(
            names = "--mim-weight",
            defaultValue = "0",
            description = "Weight of SimMIM's masked-pixel L1 beside NT-Xent: > 0 masks the two full views with"
                    + " DINOv2's block masks (--mask-probability, --mask-ratio-min/-max) and predicts the masked"
                    + " patches' pixels; 0 is plain SimCLR (default ${DEFAULT-VALUE}).")
    double weight;

    @Mixin
    IbotMaskOptions masks;

    /** The term, recording mim_weight and the mask settings when it is on; null (nothing recorded) when off. */
    MaskedImageModelling modelling(Map<String, Object> settings) {
        if (weight == 0) return null;
        MaskedImageModelling m =
                new MaskedImageModelling(weight, masks.maskProbability, masks.maskRatioMin, masks.maskRatioMax);
        settings.put("mim_weight", m.weight());
        settings.put("mask_probability", m.maskProbability());
        settings.put("mask_ratio_min", m.maskRatioMin());
        settings.put("mask_ratio_max", m.maskRatioMax());
        return m;
    }
}
