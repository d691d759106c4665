package dev.loupe.tensor.dist;

/** How an all-reduce or reduce-scatter combines the ranks' buffers: the sum, or the sum divided by the world size. */
public enum Reduction {
    SUM,
    AVERAGE
}
