package dev.loupe.ssl.dinov2;

/** How the teacher's outputs become targets (DINOv2 train.centering). */
public enum Centering {
    /** softmax((t - center) / temp) with an EMA center ("centering"). */
    SOFTMAX,
    /** Sinkhorn-Knopp with 3 iterations ("sinkhorn_knopp"). */
    SINKHORN_KNOPP
}
