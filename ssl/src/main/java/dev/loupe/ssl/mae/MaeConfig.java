package dev.loupe.ssl.mae;

import dev.loupe.nn.ViTConfig;

/**
 * MAE's model and loss options (models_mae.py / main_pretrain.py).
 *
 * @param encoder      encoder ViT shape (numClasses 0; its position embedding is the fixed sin-cos table)
 * @param decoderDim   decoder width (512)
 * @param decoderDepth decoder blocks (8)
 * @param decoderHeads decoder heads (16)
 * @param maskRatio    share of removed patches (0.75)
 * @param normPixLoss  per-patch normalised pixel targets (MAE's recommended --norm_pix_loss)
 */
public record MaeConfig(
        ViTConfig encoder, int decoderDim, int decoderDepth, int decoderHeads, double maskRatio, boolean normPixLoss) {
    public MaeConfig {
        if (encoder.numClasses() != 0)
            throw new IllegalArgumentException(
                    "MAE encoder must have no classification head, got numClasses " + encoder.numClasses());
        if (encoder.registers() != 0)
            throw new IllegalArgumentException("MAE encoder has no register tokens, got " + encoder.registers());
        if (decoderDim < 4
                || decoderDim % 4 != 0
                || decoderDepth < 1
                || decoderHeads < 1
                || decoderDim % decoderHeads != 0) {
            throw new IllegalArgumentException(
                    "MAE decoder: need dim a multiple of 4 divisible by the heads and depth >= 1, got dim " + decoderDim
                            + ", depth " + decoderDepth + ", heads " + decoderHeads);
        }
        if (!(maskRatio >= 0 && maskRatio < 1))
            throw new IllegalArgumentException("MAE mask ratio must be in [0, 1), got " + maskRatio);
    }

    /** MAE's decoder (512 wide, 8 blocks, 16 heads), ratio 0.75, normalised pixel loss. */
    public static MaeConfig paper(ViTConfig encoder) {
        return new MaeConfig(encoder, 512, 8, 16, 0.75, true);
    }

    /** The decoder's block shape: the encoder's image geometry and MLP ratio at decoder width. */
    public ViTConfig decoderBlocks() {
        return ViTConfig.builder(
                        encoder.imageSize(),
                        encoder.patch(),
                        encoder.channels(),
                        decoderDim,
                        decoderDepth,
                        decoderHeads)
                .mlpRatio(encoder.mlpRatio())
                .lnEps(encoder.lnEps())
                .build();
    }
}
