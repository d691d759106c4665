package dev.loupe.clip;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Init;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * CLIP's patch embedding conv1: Conv2d(C, W, kernel = stride = p, bias = False) as patchify + one GEMM.
 * Parameter weight (W, C, p, p), init as torch's Conv2d: uniform(+-(C p p)^-0.5).
 * Shape: (B, C, H, W) -> (B, N, W), N = (H/p)(W/p) in row-major grid order.
 */
public final class ClipPatchConv extends Module {
    public final Var weight;
    private final int channels, width, patch;

    public ClipPatchConv(int channels, int width, int patch, Rng rng) {
        this.channels = channels;
        this.width = width;
        this.patch = patch;
        this.weight = param("weight", Tensor.zeros(width, channels, patch, patch));
        Init.uniform(weight, 1 / Math.sqrt(channels * patch * patch), rng);
    }

    public Var forward(Var images) {
        if (images.rank() != 4 || images.size(1) != channels || images.size(2) % patch != 0 || images.size(3) % patch != 0) {
            throw new IllegalArgumentException("CLIP patch conv: images " + images.data().shape() + " need (B, " + channels
                    + ", H, W) with sides divisible by " + patch);
        }
        int b = images.size(0), gh = images.size(2) / patch, gw = images.size(3) / patch;
        int k = channels * patch * patch;
        // (B, C, gh, p, gw, p) -> (B, gh, gw, C, p, p) -> (B*N, C*p*p), rows ordered like the flattened weight
        Var rows = images.reshape(b, channels, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5).reshape(b * gh * gw, k);
        return rows.matmul(weight.reshape(width, k).mT()).reshape(b, gh * gw, width);
    }
}
