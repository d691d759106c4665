package dev.loupe.eval.features;

/**
 * Which backbone output becomes the feature vector of an image.
 *
 * <ul>
 *   <li>{@link #CLS}: the CLS token after the final norm, (D) -- DINO's kNN and linear features with
 *       n_last_blocks = 1, MAE's linear probe with --cls_token.</li>
 *   <li>{@link #MEAN}: the mean of the patch tokens (CLS and registers excluded) after the final norm,
 *       (D) -- DINO's avgpool_patchtokens term and timm's global_pool="avg" on a backbone whose final
 *       norm is its only norm. MAE's fc_norm variant (pool first, then a separate norm) is not this: an
 *       MAE checkpoint has no fc_norm weights for the probe to use.</li>
 *   <li>{@link #LAST_K}: the CLS tokens of the last k blocks, each passed through the final norm,
 *       concatenated oldest first, (k D) -- DINO's eval_linear with n_last_blocks = k (4 for ViT-S)
 *       and avgpool off.</li>
 *   <li>{@link #CLS_MEAN}: the CLS token and the mean patch token, both after the final norm,
 *       concatenated, (2 D) -- DINO's eval_linear with n_last_blocks = 1 and avgpool_patchtokens on
 *       (its ViT-B protocol; DINO interleaves the two vectors, a permutation that neither a linear
 *       probe nor cosine kNN can tell apart).</li>
 *   <li>{@link #LAST_K_MEAN}: the CLS tokens of the last k blocks, then the mean patch token of the
 *       last block, all through the final norm, ((k + 1) D) -- DINOv2's linear evaluation with
 *       n_last_blocks = k and avgpool on (create_linear_input).</li>
 *   <li>{@link #LAST_K_MEAN_GRID}: {@link #LAST_K_MEAN}, then the last block's normed patch tokens averaged
 *       over a g x g grid of regions, row by row ((k + 1 + g^2) D): a coarse map of where things are,
 *       as the linear classifiers on average-pooled feature maps of the convolutional benchmarks (Zhang et
 *       al. 2016, Goyal et al. 2019). Region i of g along a side of G patches spans patches
 *       floor(i G / g) .. ceil((i + 1) G / g) - 1, torch's adaptive_avg_pool2d bounds (neighbours overlap
 *       when g does not divide G).</li>
 * </ul>
 */
public enum FeatureMode {
    CLS,
    MEAN,
    LAST_K,
    CLS_MEAN,
    LAST_K_MEAN,
    LAST_K_MEAN_GRID;

    /** Whether the features read the last k blocks (k is then a setting of the extractor). */
    public boolean readsLastBlocks() {
        return this == LAST_K || this == LAST_K_MEAN || this == LAST_K_MEAN_GRID;
    }

    /** A stable description for cache keys and reports ("cls", "mean", "last4", "cls+mean", "last4+mean"). */
    public String describe(int lastBlocks) {
        return describe(lastBlocks, 0);
    }

    /** {@link #describe(int)}, and "last4+mean+grid3" for {@link #LAST_K_MEAN_GRID} with a 3 x 3 grid. */
    public String describe(int lastBlocks, int grid) {
        return switch (this) {
            case CLS -> "cls";
            case MEAN -> "mean";
            case LAST_K -> "last" + lastBlocks;
            case CLS_MEAN -> "cls+mean";
            case LAST_K_MEAN -> "last" + lastBlocks + "+mean";
            case LAST_K_MEAN_GRID -> "last" + lastBlocks + "+mean+grid" + grid;
        };
    }
}
