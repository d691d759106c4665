package dev.loupe.nn;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.BufferPool;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Vision Transformer (timm / DINO flavour). Shape: images (B, C, H, W) -> features (B, D) after the
 * final norm (CLS token, or mean of patch tokens), and logits (B, K) when a head is configured.
 * Parameter names follow timm: cls_token (1, 1, D), pos_embed (1, N + 1, D), reg_token (1, R, D),
 * patch_embed.proj.* (and patch_embed.stem.{i}.* with a conv stem), blocks.{i}.*, norm.*, head.*.
 */
public final class VisionTransformer extends Module {
    private final ViTConfig config;
    public final PatchEmbed patchEmbed;
    public final Var clsToken, posEmbed, regToken;
    public final List<Block> blocks = new ArrayList<>();
    public final LayerNorm norm;
    public final Linear head;
    // no-grad passes on the host reuse each block's temporaries (one pool per calling thread)
    private final ThreadLocal<BufferPool> inferenceBuffers = ThreadLocal.withInitial(BufferPool::new);

    public VisionTransformer(ViTConfig c, Rng rng) {
        this.config = c;
        int d = c.dim();
        clsToken = param("cls_token", Tensor.truncNormal(rng, 0.02, -2, 2, 1, 1, d));
        posEmbed = param("pos_embed", Tensor.truncNormal(rng, 0.02, -2, 2, 1, c.numPatches() + 1, d));
        regToken = c.registers() > 0
                ? param("reg_token", Tensor.truncNormal(rng, 0.02, -2, 2, 1, c.registers(), d))
                : null;
        patchEmbed = child("patch_embed", PatchEmbed.of(c, rng));
        Blocks list = child("blocks", new Blocks());
        for (int i = 0; i < c.depth(); i++) {
            double rate =
                    c.uniformDropPath() || c.depth() == 1 ? c.dropPathRate() : c.dropPathRate() * i / (c.depth() - 1);
            blocks.add(list.add(new Block(c, rate, rng.split())));
        }
        norm = child("norm", new LayerNorm(d, c.lnEps()));
        head = c.numClasses() > 0 ? child("head", new Linear(d, c.numClasses(), true, rng)) : null;
    }

    /** Holds the blocks under numeric names 0, 1, ... as torch's nn.Sequential / ModuleList. */
    private static final class Blocks extends Module {
        private int count;

        Block add(Block b) {
            return child(Integer.toString(count++), b);
        }
    }

    /** This thread's pool for no-grad passes (how many arrays it reused and created so far). */
    public BufferPool inferenceBuffers() {
        return inferenceBuffers.get();
    }

    public ViTConfig config() {
        return config;
    }

    /**
     * All tokens after the final norm: (B, 1 + R + N, D). Images of another size than configured
     * (sides still multiples of the patch) get pos_embed resized to their grid on the fly, as DINO's
     * interpolate_pos_encoding ({@link PosEmbedInterpolation#dino}).
     */
    public Var forwardTokens(Var images) {
        return forwardTokens(images, null, null);
    }

    /**
     * {@link #forwardTokens(Var)} with the embeddings of the masked patches replaced by maskToken (see
     * {@link #embedTokens}): masked image modelling on a plain ViT. mask (B, N) BOOL or null; maskToken (1, D).
     * Without a mask, a no-grad pass in eval mode runs in groups of images on the pool's threads
     * ({@link ImageGroups}; the same bits), as does {@link #forwardIntermediate}.
     */
    public Var forwardTokens(Var images, Tensor mask, Var maskToken) {
        if (mask == null && ImageGroups.apply(this, images))
            return ImageGroups.run(images, group -> List.of(forwardTokens(group, null, null)))
                    .get(0);
        Var x = embedTokens(images, mask, maskToken);
        for (int i = 0; i < blocks.size(); i++) x = block(i, x);
        Var out = norm.forward(x);
        recycle(x);
        return out;
    }

    /**
     * Block i on x (B, T, D) -> (B, T, D). When nothing is recorded (no-grad) on the host, the block's
     * temporaries are taken from this thread's {@link BufferPool} and returned as it ends, and x's
     * own array goes back once the block has read it: the caller must hand over an x that nothing else
     * reads afterwards (the embedding or an earlier block's output). Same kernels, same bits.
     */
    private Var block(int i, Var x) {
        Block blk = blocks.get(i);
        if (GradMode.isEnabled()
                || !BufferPool.enabled()
                || !Device.CPU.equals(x.data().device())) return blk.forward(x);
        BufferPool pool = inferenceBuffers.get();
        Var y;
        try (var scope = pool.open()) {
            y = blk.forward(x);
            scope.keep(y.data());
        }
        if (y.data().storage() != x.data().storage()) pool.recycle(x.data());
        return y;
    }

    /** Gives the last block's output back to this thread's pool once the final norm has read it. */
    private void recycle(Var x) {
        if (!GradMode.isEnabled()) inferenceBuffers.get().recycle(x.data());
    }

    /**
     * The block inputs (B, 1 + R + N, D): patch embedding, CLS, position embedding (resized to the
     * grid), then register tokens after CLS, which get no position embedding.
     *
     * @param mask      (B, N) BOOL, true where a patch embedding is replaced by maskToken before the
     *                  position embedding (iBOT / DINOv2 masked image modelling); null for none
     * @param maskToken (1, D) the learned mask token; null when mask is null
     */
    public Var embedTokens(Var images, Tensor mask, Var maskToken) {
        Var x = patchEmbed.forward(images); // (B, N, D)
        int b = x.size(0), n = x.size(1), d = config.dim();
        if (mask != null) {
            if (mask.rank() != 2 || mask.size(0) != b || mask.size(1) != n) {
                throw new IllegalArgumentException("patch mask must be (B, N) = (" + b + ", " + n + "), got "
                        + java.util.Arrays.toString(mask.sizes()));
            }
            x = Var.where(
                    mask.unsqueeze(2).expand(b, n, d),
                    maskToken.reshape(1, 1, d).expand(b, n, d),
                    x);
        }
        Var pos = PosEmbedInterpolation.dino(
                posEmbed, 1, images.size(2) / config.patch(), images.size(3) / config.patch());
        x = Var.concat(1, List.of(clsToken.expand(b, 1, d), x)).add(pos); // (B, N + 1, D)
        if (regToken != null) {
            // registers go after CLS, after the position embedding, and get none themselves
            x = Var.concat(
                    1,
                    List.of(
                            x.narrow(1, 0, 1),
                            regToken.expand(b, config.registers(), d),
                            x.narrow(1, 1, x.size(1) - 1)));
        }
        return x;
    }

    /**
     * The outputs of the last k blocks, each through the final norm, oldest first: k tensors
     * (B, 1 + R + N, D), as DINO's get_intermediate_layers (used for last-k linear probes).
     */
    public List<Var> forwardIntermediate(Var images, int k) {
        int depth = blocks.size();
        if (k < 1 || k > depth)
            throw new IllegalArgumentException("last-k outputs: k must be in [1, " + depth + "], got " + k);
        if (ImageGroups.apply(this, images)) return ImageGroups.run(images, group -> forwardIntermediate(group, k));
        Var x = embedTokens(images, null, null);
        List<Var> outputs = new ArrayList<>(k);
        for (int i = 0; i < depth; i++) {
            x = block(i, x);
            if (i >= depth - k) outputs.add(norm.forward(x));
        }
        recycle(x);
        return outputs;
    }

    /** Pooled features (B, D): CLS token, or the mean of the patch tokens. */
    public Var forwardFeatures(Var images) {
        return pool(forwardTokens(images));
    }

    /** tokens (B, 1 + R + N, D) from {@link #forwardTokens} -> the pooled features (B, D): CLS, or the mean patch token. */
    public Var pool(Var tokens) {
        return config.meanPool() ? meanPatchToken(tokens) : tokens.select(1, 0);
    }

    /** tokens (B, 1 + R + N, D) from {@link #forwardTokens} -> the mean of the N patch tokens (B, D); CLS and registers excluded. */
    public Var meanPatchToken(Var tokens) {
        int skip = 1 + config.registers();
        return tokens.narrow(1, skip, tokens.size(1) - skip).mean(false, 1);
    }

    /** Head logits (B, K); requires a head. */
    public Var forward(Var images) {
        if (head == null) throw new IllegalStateException("this ViT has no classification head (numClasses = 0)");
        return head.forward(forwardFeatures(images));
    }
}
