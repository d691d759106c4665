package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Conv2d(C, D, kernel = stride = p) as patchify + one GEMM. Shape: (B, C, H, W) -> (B, N, D),
 * N = (H/p)(W/p) in row-major grid order. Parameters proj.weight (D, C, p, p), proj.bias (D).
 */
public final class PatchEmbed extends Module {
    /** Holds the conv parameters under the name {@code proj}, as timm does. */
    public static final class Proj extends Module {
        public final Var weight, bias;

        Proj(int dim, int channels, int patch, boolean bias, Rng rng) {
            this.weight = param("weight", Tensor.truncNormal(rng, 0.02, -2, 2, dim, channels, patch, patch));
            this.bias = bias ? param("bias", Tensor.zeros(dim)) : null;
        }
    }

    public final Proj proj;
    private final int patch, channels, dim;

    public PatchEmbed(int channels, int dim, int patch, boolean bias, Rng rng) {
        this.patch = patch;
        this.channels = channels;
        this.dim = dim;
        this.proj = child("proj", new Proj(dim, channels, patch, bias, rng));
    }

    public Var forward(Var images) {
        int b = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
        if (c != channels || h % patch != 0 || w % patch != 0) {
            throw new IllegalArgumentException("patch embed: images " + images.data().shape() + " need " + channels
                    + " channels and sides divisible by " + patch);
        }
        int gh = h / patch, gw = w / patch;
        // (B, C, gh, p, gw, p) -> (B, gh, gw, C, p, p) -> (B*N, C*p*p): rows ordered like the flattened conv weight
        Var rows = images.reshape(b, c, gh, patch, gw, patch).permute(0, 2, 4, 1, 3, 5).reshape(b * gh * gw, c * patch * patch);
        Var out = rows.matmul(proj.weight.reshape(dim, c * patch * patch).mT());
        if (proj.bias != null) out = out.add(proj.bias);
        return out.reshape(b, gh * gw, dim);
    }
}
