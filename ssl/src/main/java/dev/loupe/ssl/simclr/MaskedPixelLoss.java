package dev.loupe.ssl.simclr;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * SimMIM's reconstruction loss (microsoft/SimMIM models/simmim.py): the L1 distance between predicted
 * and true pixels of the masked patches, summed and divided by the number of masked pixels (mask.sum()
 * + 1e-5 at pixel level) and by the channel count: the mean absolute error over the masked pixels'
 * channels. Here in patch form, as the 1x1-conv decoder's output is before its pixel shuffle.
 */
public final class MaskedPixelLoss {
    private static final double EPS = 1e-5;

    private MaskedPixelLoss() {}

    /**
     * @param pred     (B, N, p*p*C) predicted pixels of every patch
     * @param target   (B, N, p*p*C) the image's patches ({@code MaeLoss.patchify})
     * @param mask     BOOL (B, N): true where the patch was masked
     * @param channels C
     */
    public static Var loss(Var pred, Tensor target, Tensor mask, int channels) {
        if (!pred.data().shape().equals(target.shape())
                || target.rank() != 3
                || mask.rank() != 2
                || mask.size(0) != target.size(0)
                || mask.size(1) != target.size(1)
                || channels < 1
                || target.size(2) % channels != 0) {
            throw new IllegalArgumentException(
                    "masked pixel loss: pred " + pred.data().shape() + " and target "
                            + target.shape() + " must match as (B, N, p*p*C) with C = " + channels + ", mask "
                            + mask.shape() + " must be (B, N)");
        }
        int pixelsPerPatch = target.size(2) / channels;
        Tensor m = mask.to(pred.dtype()).to(pred.data().device()); // (B, N)
        Var perPatch = pred.sub(Var.of(target)).apply(UnaryOp.ABS).sum(false, 2); // (B, N)
        double maskedPixels = m.sum().item() * pixelsPerPatch;
        return perPatch.mul(Var.of(m)).sum().div((maskedPixels + EPS) * channels);
    }
}
