package dev.loupe.clip;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Init;
import dev.loupe.nn.Module;
import dev.loupe.nn.PatchEmbed;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * CLIP's patch embedding conv1: Conv2d(C, W, kernel = stride = p, bias = False), computed by {@link PatchEmbed#embed}.
 * Parameter weight (W, C, p, p), init as torch's Conv2d: uniform(+-(C p p)^-0.5).
 * Shape: (B, C, H, W) -> (B, N, W), N = (H/p)(W/p) in row-major grid order.
 */
public final class ClipPatchConv extends Module {
    public final Var weight;
    private final int channels, patch;

    public ClipPatchConv(int channels, int width, int patch, Rng rng) {
        this.channels = channels;
        this.patch = patch;
        this.weight = param("weight", Tensor.zeros(width, channels, patch, patch));
        Init.uniform(weight, 1 / Math.sqrt(channels * patch * patch), rng);
    }

    public Var forward(Var images) {
        if (images.rank() != 4
                || images.size(1) != channels
                || images.size(2) % patch != 0
                || images.size(3) % patch != 0) {
            throw new IllegalArgumentException("CLIP patch conv: images "
                    + images.data().shape() + " need (B, " + channels + ", H, W) with sides divisible by " + patch);
        }
        return PatchEmbed.embed(images, weight, null, patch);
    }
}
