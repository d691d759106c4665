package dev.loupe.ssl.mae;

import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import java.util.Comparator;

/**
 * MAE's per-sample random masking (models_mae.py random_masking): for uniform noise (B, L), the
 * ascending argsort of each row is the shuffle; its first int(L * (1 - ratio)) entries are kept;
 * ids_restore = argsort(ids_shuffle); mask (B, L) is 0 for kept and 1 for removed tokens, in the
 * original order.
 */
public final class RandomMasking {
    /**
     * @param idsKeep    I64 (B, keep): kept token indices, in shuffle order
     * @param idsRestore I64 (B, L): position of each original token in the shuffled sequence
     * @param mask       F32 (B, L): 1 where the token is removed
     */
    public record Result(Tensor idsKeep, Tensor idsRestore, Tensor mask) {
        public int keep() {
            return idsKeep.size(1);
        }
    }

    private final double ratio;

    public RandomMasking(double ratio) {
        if (!(ratio >= 0 && ratio < 1))
            throw new IllegalArgumentException("MAE mask ratio must be in [0, 1), got " + ratio);
        this.ratio = ratio;
    }

    public double ratio() {
        return ratio;
    }

    /** The number of kept tokens of L: int(L * (1 - ratio)). */
    public int keepCount(int tokens) {
        return (int) (tokens * (1 - ratio));
    }

    /** Draws noise (B, L) from {@code rng} and masks with it. */
    public Result sample(int batch, int tokens, Rng rng) {
        return fromNoise(Tensor.rand(rng, batch, tokens));
    }

    /** Masks with the given noise (B, L) (tests inject torch's noise). */
    public Result fromNoise(Tensor noise) {
        if (noise.rank() != 2)
            throw new IllegalArgumentException("MAE masking noise must be (B, L), got " + noise.shape());
        int b = noise.size(0), l = noise.size(1), keep = keepCount(l);
        if (keep < 1) throw new IllegalArgumentException("MAE masking keeps no token of " + l + " with ratio " + ratio);
        long[] kept = new long[b * keep], restore = new long[b * l];
        float[] mask = new float[b * l];
        for (int i = 0; i < b; i++) {
            final int row = i;
            Integer[] order = new Integer[l];
            for (int j = 0; j < l; j++) order[j] = j;
            Arrays.sort(order, Comparator.comparingDouble(j -> noise.getDouble(row, j))); // ids_shuffle
            for (int j = 0; j < l; j++) {
                restore[i * l + order[j]] = j;
                mask[i * l + order[j]] = j < keep ? 0f : 1f;
                if (j < keep) kept[i * keep + j] = order[j];
            }
        }
        return new Result(Tensor.ofLongs(kept, b, keep), Tensor.ofLongs(restore, b, l), Tensor.of(mask, b, l));
    }
}
