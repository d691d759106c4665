package dev.loupe.ssl.mae;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;

/**
 * MAE's reconstruction loss (models_mae.py forward_loss): per-patch mean squared error against the
 * patchified image, averaged over the removed patches. With normPixLoss the target of each patch
 * is (x - mean) / sqrt(var + 1e-6), var unbiased.
 */
public final class MaeLoss {
    private MaeLoss() {}

    /** images (B, C, H, W) -> (B, L, p*p*C), patch order (h, w), pixel order (p, q, c). */
    public static Tensor patchify(Tensor images, int patch) {
        int b = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
        if (images.rank() != 4 || h % patch != 0 || w % patch != 0) {
            throw new IllegalArgumentException(
                    "MAE patchify: images " + images.shape() + " need sides divisible by " + patch);
        }
        int gh = h / patch, gw = w / patch;
        // (B, C, gh, p, gw, q) -> (B, gh, gw, p, q, C)
        return images.reshape(b, c, gh, patch, gw, patch)
                .permute(0, 2, 4, 3, 5, 1)
                .contiguous()
                .reshape(b, gh * gw, patch * patch * c);
    }

    /**
     * @param pred   (B, L, p*p*C) decoder predictions
     * @param target (B, L, p*p*C) patchified images
     * @param mask   (B, L) 1 for removed patches
     */
    public static Var loss(Var pred, Tensor target, Tensor mask, boolean normPixLoss) {
        if (!pred.data().shape().equals(target.shape())
                || mask.rank() != 2
                || mask.size(0) != target.size(0)
                || mask.size(1) != target.size(1)) {
            throw new IllegalArgumentException("MAE loss: pred " + pred.data().shape() + ", target " + target.shape()
                    + " must match and mask " + mask.shape() + " must be (B, L)");
        }
        Tensor t = target;
        if (normPixLoss) {
            Tensor mean = t.mean(true, 2), var = t.var(1, true, 2);
            t = t.sub(mean).div(var.add(1e-6).sqrt());
        }
        Var diff = pred.sub(Var.of(t));
        Var perPatch = diff.mul(diff).mean(false, 2); // (B, L)
        Var m = Var.of(mask.to(pred.dtype()).to(pred.data().device()));
        return perPatch.mul(m).sum().div(m.sum());
    }
}
