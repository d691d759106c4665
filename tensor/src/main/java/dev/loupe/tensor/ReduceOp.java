package dev.loupe.tensor;

/** Reduction op tokens over one or more dimensions. MEAN divides the SUM by the reduced count. */
public enum ReduceOp {
    SUM,
    MEAN,
    MAX,
    MIN
}
