package dev.loupe.nn;

import java.util.Locale;

/**
 * A Vision Transformer's shape and options.
 *
 * @param imageSize      input height = width
 * @param patch          patch size p: the patch embedding's stride, so the grid is (imageSize / p)^2
 * @param channels       input channels C
 * @param dim            embedding width D
 * @param depth          number of blocks
 * @param heads          attention heads
 * @param mlpRatio       MLP hidden = D * ratio (ignored by SwiGLU, which uses DINOv2's width)
 * @param qkvBias        bias on the qkv projection
 * @param dropPathRate   stochastic depth at the last block (linear 0 -> rate over depth, or uniform)
 * @param uniformDropPath every block gets dropPathRate (DINOv2) instead of the linear ramp
 * @param layerScaleInit LayerScale gamma init, 0 for none
 * @param registers      register tokens after CLS (DINOv2), 0 for none
 * @param swiglu         SwiGLU FFN instead of the GELU MLP
 * @param meanPool       pool by the mean of patch tokens instead of CLS
 * @param numClasses     classifier head outputs, 0 for none
 * @param lnEps          LayerNorm eps (1e-6 timm/DINO/MAE)
 * @param patchKernel    the patch embedding's kernel K >= p: K = p is ViT's non-overlapping patches; K > p
 *                       gives overlapping patches, Conv2d(C, D, K, stride p, padding (K - p) / 2), on the same grid
 * @param convStem       a convolutional stem ({@link ConvStem}: log2(p) 3x3 stride-2 convs, then a 1x1 conv to D) in
 *                       place of the patchify conv; needs p a power of two and K = p
 */
public record ViTConfig(
        int imageSize,
        int patch,
        int channels,
        int dim,
        int depth,
        int heads,
        double mlpRatio,
        boolean qkvBias,
        double dropPathRate,
        boolean uniformDropPath,
        double layerScaleInit,
        int registers,
        boolean swiglu,
        boolean meanPool,
        int numClasses,
        double lnEps,
        int patchKernel,
        boolean convStem) {

    public ViTConfig {
        if (patch < 1 || imageSize < 1) {
            throw new IllegalArgumentException("patch " + patch + " and image size " + imageSize + " must be >= 1");
        }
        if (heads < 1 || dim < 1)
            throw new IllegalArgumentException("dim " + dim + " and heads " + heads + " must be >= 1");
        if (!(mlpRatio > 0) || numClasses < 0 || registers < 0 || !(lnEps > 0)) {
            throw new IllegalArgumentException("mlp ratio " + mlpRatio + " and layer-norm eps " + lnEps
                    + " must be > 0, classes " + numClasses + " and registers " + registers + " >= 0");
        }
        if (imageSize % patch != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " is not a multiple of patch " + patch);
        }
        if (dim % heads != 0)
            throw new IllegalArgumentException("dim " + dim + " is not divisible by " + heads + " heads");
        if (depth < 1 || channels < 1) throw new IllegalArgumentException("depth and channels must be >= 1");
        PatchEmbed.requireKernel(patch, patchKernel);
        if (convStem) ConvStem.requireShape(patch, patchKernel, dim);
    }

    /** Non-overlapping patches (the patch kernel is the patch size), no conv stem. */
    public ViTConfig(
            int imageSize,
            int patch,
            int channels,
            int dim,
            int depth,
            int heads,
            double mlpRatio,
            boolean qkvBias,
            double dropPathRate,
            boolean uniformDropPath,
            double layerScaleInit,
            int registers,
            boolean swiglu,
            boolean meanPool,
            int numClasses,
            double lnEps) {
        this(
                imageSize,
                patch,
                channels,
                dim,
                depth,
                heads,
                mlpRatio,
                qkvBias,
                dropPathRate,
                uniformDropPath,
                layerScaleInit,
                registers,
                swiglu,
                meanPool,
                numClasses,
                lnEps,
                patch,
                false);
    }

    /** A plain timm-style ViT: qkv bias, MLP ratio 4, no drop path, CLS pooling, eps 1e-6. */
    public static ViTConfig of(int imageSize, int patch, int channels, int dim, int depth, int heads, int numClasses) {
        return new ViTConfig(
                imageSize,
                patch,
                channels,
                dim,
                depth,
                heads,
                4.0,
                true,
                0.0,
                false,
                0.0,
                0,
                false,
                false,
                numClasses,
                1e-6);
    }

    /**
     * Named sizes: tiny, small, base, large, huge, giant (timm) and the Web-DINO sizes 300m, 1b, 2b,
     * 3b, 5b, 7b (LayerScale 1e-5, SwiGLU); image size, patch and channels come from the data.
     */
    public static ViTConfig preset(String name, int imageSize, int patch, int channels, int numClasses) {
        int[] s =
                switch (name.toLowerCase(Locale.ROOT)) {
                    case "tiny" -> new int[] {192, 12, 3};
                    case "small" -> new int[] {384, 12, 6};
                    case "base" -> new int[] {768, 12, 12};
                    case "large" -> new int[] {1024, 24, 16};
                    case "huge" -> new int[] {1280, 32, 16};
                    case "giant" -> new int[] {1536, 40, 24};
                    case "300m" -> new int[] {1024, 24, 16};
                    case "1b" -> new int[] {1536, 40, 24};
                    case "2b" -> new int[] {2688, 24, 21};
                    case "3b" -> new int[] {3072, 26, 24};
                    case "5b" -> new int[] {3584, 32, 28};
                    case "7b" -> new int[] {4096, 32, 32};
                    default ->
                        throw new IllegalArgumentException("unknown ViT preset '" + name
                                + "' (tiny, small, base, large, huge, giant, 300m, 1b, 2b, 3b, 5b, 7b)");
                };
        boolean webDino = Character.isDigit(name.charAt(0));
        return new ViTConfig(
                imageSize,
                patch,
                channels,
                s[0],
                s[1],
                s[2],
                4.0,
                true,
                0.0,
                false,
                webDino ? 1e-5 : 0.0,
                0,
                webDino,
                false,
                numClasses,
                1e-6);
    }

    public int gridSize() {
        return imageSize / patch;
    }

    public int numPatches() {
        return gridSize() * gridSize();
    }

    /** "patch 4", "patch 4 (kernel 8)" for overlapping patches or "patch 4 (conv stem)": for logs and reports. */
    public String patchLabel() {
        if (convStem) return "patch " + patch + " (conv stem)";
        return patchKernel == patch ? "patch " + patch : "patch " + patch + " (kernel " + patchKernel + ")";
    }

    /** Zero padding on each side of the image for the patch embedding: (K - p) / 2. */
    public int patchPadding() {
        return (patchKernel - patch) / 2;
    }

    /** The same ViT with overlapping patches of kernel {@code kernel} (stride stays the patch size). */
    public ViTConfig withPatchKernel(int kernel) {
        return toBuilder().patchKernel(kernel).build();
    }

    /** The same ViT with a convolutional stem ({@code true}) or the patchify conv. */
    public ViTConfig withConvStem(boolean stem) {
        return toBuilder().convStem(stem).build();
    }

    /** The same ViT pooling by the mean of the patch tokens ({@code true}) or by CLS. */
    public ViTConfig withMeanPool(boolean mean) {
        return toBuilder().meanPool(mean).build();
    }

    public ViTConfig withDropPath(double rate) {
        return toBuilder().dropPath(rate, uniformDropPath).build();
    }

    /** A builder holding this configuration, to change a few fields by name. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder from {@link #of}'s plain timm ViT (no head). */
    public static Builder builder(int imageSize, int patch, int channels, int dim, int depth, int heads) {
        return new Builder(of(imageSize, patch, channels, dim, depth, heads, 0));
    }

    /** Named setters over a configuration; {@link #build} validates. */
    public static final class Builder {
        private int imageSize, patch, channels, dim, depth, heads, registers, numClasses, patchKernel;
        private double mlpRatio, dropPathRate, layerScaleInit, lnEps;
        private boolean qkvBias, uniformDropPath, swiglu, meanPool, convStem;

        private Builder(ViTConfig c) {
            imageSize = c.imageSize;
            patch = c.patch;
            channels = c.channels;
            dim = c.dim;
            depth = c.depth;
            heads = c.heads;
            mlpRatio = c.mlpRatio;
            qkvBias = c.qkvBias;
            dropPathRate = c.dropPathRate;
            uniformDropPath = c.uniformDropPath;
            layerScaleInit = c.layerScaleInit;
            registers = c.registers;
            swiglu = c.swiglu;
            meanPool = c.meanPool;
            numClasses = c.numClasses;
            lnEps = c.lnEps;
            patchKernel = c.patchKernel;
            convStem = c.convStem;
        }

        public Builder imageSize(int v) {
            imageSize = v;
            return this;
        }
        /** The patch (stride) size; the kernel follows it unless set with {@link #patchKernel}. */
        public Builder patch(int v) {
            if (patchKernel == patch) patchKernel = v;
            patch = v;
            return this;
        }

        public Builder channels(int v) {
            channels = v;
            return this;
        }

        public Builder dim(int v) {
            dim = v;
            return this;
        }

        public Builder depth(int v) {
            depth = v;
            return this;
        }

        public Builder heads(int v) {
            heads = v;
            return this;
        }

        public Builder mlpRatio(double v) {
            mlpRatio = v;
            return this;
        }

        public Builder qkvBias(boolean v) {
            qkvBias = v;
            return this;
        }

        public Builder dropPath(double rate, boolean uniform) {
            dropPathRate = rate;
            uniformDropPath = uniform;
            return this;
        }

        public Builder layerScaleInit(double v) {
            layerScaleInit = v;
            return this;
        }

        public Builder registers(int v) {
            registers = v;
            return this;
        }

        public Builder swiglu(boolean v) {
            swiglu = v;
            return this;
        }

        public Builder meanPool(boolean v) {
            meanPool = v;
            return this;
        }

        public Builder numClasses(int v) {
            numClasses = v;
            return this;
        }

        public Builder lnEps(double v) {
            lnEps = v;
            return this;
        }

        public Builder patchKernel(int v) {
            patchKernel = v;
            return this;
        }

        public Builder convStem(boolean v) {
            convStem = v;
            return this;
        }

        public ViTConfig build() {
            return new ViTConfig(
                    imageSize,
                    patch,
                    channels,
                    dim,
                    depth,
                    heads,
                    mlpRatio,
                    qkvBias,
                    dropPathRate,
                    uniformDropPath,
                    layerScaleInit,
                    registers,
                    swiglu,
                    meanPool,
                    numClasses,
                    lnEps,
                    patchKernel,
                    convStem);
        }
    }
}
