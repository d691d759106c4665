package dev.loupe.ssl.common;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * BEiT-style block mask generator (DINOv2 data/masking.py MaskingGenerator) and DINOv2's per-batch
 * mask collation (data/collate.py). A mask grows by rectangles of random area in
 * [minNumPatches, remaining] and log-uniform aspect ratio in [minAspect, 1/minAspect], each adding
 * at most the remaining count of new patches, until the target is met or 10 tries in a row add
 * nothing. All randomness comes from the given {@link Rng}, so masks are deterministic from it.
 */
public final class BlockMasking {
    private static final int TRIES = 10;
    private final int height, width, minNumPatches, maxNumPatches;
    private final double logAspectMin, logAspectMax;

    /**
     * @param height        patch grid rows
     * @param width         patch grid columns
     * @param minNumPatches smallest rectangle area drawn (4)
     * @param maxNumPatches cap on the patches one call of the growth loop may add (DINOv2: 0.5 * N)
     * @param minAspect     smallest aspect ratio (0.3); the largest is its inverse
     */
    public BlockMasking(int height, int width, int minNumPatches, int maxNumPatches, double minAspect) {
        if (height < 1 || width < 1 || minNumPatches < 0 || maxNumPatches < 0 || !(minAspect > 0)) {
            throw new IllegalArgumentException(
                    "block masking: need a non-empty grid, counts >= 0 and aspect > 0, got " + height + "x" + width
                            + ", min " + minNumPatches + ", max " + maxNumPatches + ", aspect " + minAspect);
        }
        this.height = height;
        this.width = width;
        this.minNumPatches = minNumPatches;
        this.maxNumPatches = maxNumPatches;
        this.logAspectMin = Math.log(minAspect);
        this.logAspectMax = Math.log(1 / minAspect);
    }

    /** DINOv2's generator for a square grid: min 4 patches, max 0.5 N per step, aspect 0.3. */
    public static BlockMasking dinov2(int gridSize) {
        return new BlockMasking(gridSize, gridSize, 4, (int) (0.5 * gridSize * gridSize), 0.3);
    }

    public int numPatches() {
        return height * width;
    }

    /** A mask over the grid (row-major, length H*W) with at most {@code target} patches set. */
    public boolean[] mask(int target, Rng rng) {
        if (target < 0 || target > numPatches()) {
            throw new IllegalArgumentException(
                    "block masking: target " + target + " outside [0, " + numPatches() + "]");
        }
        boolean[] mask = new boolean[numPatches()];
        int count = 0;
        while (count < target) {
            int delta = grow(mask, Math.min(target - count, maxNumPatches), rng);
            if (delta == 0) break;
            count += delta;
        }
        return mask;
    }

    // one rectangle (up to 10 tries) adding at most maxAdd new patches; returns how many it added
    private int grow(boolean[] mask, int maxAdd, Rng rng) {
        int delta = 0;
        for (int attempt = 0; attempt < TRIES; attempt++) {
            double area = uniform(rng, minNumPatches, maxAdd);
            double aspect = Math.exp(uniform(rng, logAspectMin, logAspectMax));
            int h = (int) Math.rint(Math.sqrt(area * aspect)); // Python's round: half to even
            int w = (int) Math.rint(Math.sqrt(area / aspect));
            if (w < width && h < height) {
                int top = rng.nextInt(height - h + 1), left = rng.nextInt(width - w + 1);
                int already = 0;
                for (int i = top; i < top + h; i++)
                    for (int j = left; j < left + w; j++) if (mask[i * width + j]) already++;
                int fresh = h * w - already;
                if (fresh > 0 && fresh <= maxAdd) {
                    for (int i = top; i < top + h; i++) {
                        for (int j = left; j < left + w; j++) {
                            if (!mask[i * width + j]) {
                                mask[i * width + j] = true;
                                delta++;
                            }
                        }
                    }
                }
                if (delta > 0) break;
            }
        }
        return delta;
    }

    /** The share of masked images must be in [0, 1] and 0 <= ratioMin <= ratioMax <= 1; {@code who} names the caller. */
    public static void requireSettings(String who, double probability, double ratioMin, double ratioMax) {
        if (!(probability >= 0 && probability <= 1) || !(ratioMin >= 0 && ratioMin <= ratioMax && ratioMax <= 1)) {
            throw new IllegalArgumentException(
                    who + ": need probability in [0, 1] and 0 <= ratio min <= ratio max <= 1, got " + probability
                            + ", [" + ratioMin + ", " + ratioMax + "]");
        }
    }

    private static double uniform(Rng rng, double a, double b) {
        return a + (b - a) * rng.nextDouble();
    }

    /**
     * DINOv2's collation of masks for {@code n} global-crop images: int(n * probability) of them get a
     * mask whose target is int(N * U(r_i, r_{i+1})) for consecutive points r of linspace(ratioMin,
     * ratioMax, masked + 1), the rest get none; the list is then shuffled. Returns BOOL (n, N).
     */
    public Tensor batch(int n, double probability, double ratioMin, double ratioMax, Rng rng) {
        if (n < 0) throw new IllegalArgumentException("block masking batch: need n >= 0, got " + n);
        requireSettings("block masking batch", probability, ratioMin, ratioMax);
        int masked = (int) (n * probability), total = numPatches();
        boolean[][] masks = new boolean[n][];
        for (int i = 0; i < n; i++) {
            if (i < masked) {
                double lo = ratioMin + i * (ratioMax - ratioMin) / masked,
                        hi = ratioMin + (i + 1) * (ratioMax - ratioMin) / masked;
                masks[i] = mask((int) (total * uniform(rng, lo, hi)), rng);
            } else {
                masks[i] = new boolean[total];
            }
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates shuffle
            int j = rng.nextInt(i + 1);
            boolean[] t = masks[i];
            masks[i] = masks[j];
            masks[j] = t;
        }
        Tensor out = Tensor.zeros(DType.BOOL, n, total);
        for (int i = 0; i < n; i++) for (int k = 0; k < total; k++) if (masks[i][k]) out.setDouble(1, i, k);
        return out;
    }
}
