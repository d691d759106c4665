package dev.loupe.eval.linear;

/**
 * Hyper-parameters of a linear probe on frozen features.
 *
 * @param batchNorm    MAE's BatchNorm1d(affine=False) before the linear layer (false: DINO's plain Linear)
 * @param lars         LARS (MAE, trust coefficient 0.001) instead of SGD (DINO); both with {@code momentum}
 * @param epochs       passes over the training features
 * @param batchSize    features per step; with BatchNorm the last incomplete batch is dropped (MAE's
 *                     drop_last), so every step normalises with a full batch
 * @param lr           absolute peak learning rate (the presets scale a base rate by batch / 256)
 * @param momentum     0.9 in both references
 * @param weightDecay  0 in both references
 * @param warmupEpochs linear warm-up before the half-cycle cosine to 0 (per step, as MAE)
 * @param seed         seeds the head's initialisation and the per-epoch shuffling
 */
public record LinearProbeConfig(
        boolean batchNorm,
        boolean lars,
        int epochs,
        int batchSize,
        double lr,
        double momentum,
        double weightDecay,
        int warmupEpochs,
        long seed) {
    public LinearProbeConfig {
        if (epochs < 1 || batchSize < 1)
            throw new IllegalArgumentException("linear probe: epochs and batch size must be >= 1");
        if (!(lr > 0) || momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("linear probe: need lr > 0, momentum >= 0, weight decay >= 0; got " + lr
                    + ", " + momentum + ", " + weightDecay);
        }
        if (warmupEpochs < 0 || warmupEpochs > epochs) {
            throw new IllegalArgumentException(
                    "linear probe: warm-up epochs " + warmupEpochs + " must be in [0, " + epochs + "]");
        }
    }

    /**
     * MAE's main_linprobe.py: BatchNorm + Linear, LARS, base lr 0.1 x batch / 256, 90 epochs with 10
     * of warm-up, no weight decay.
     */
    public static LinearProbeConfig mae(int batchSize, long seed) {
        return new LinearProbeConfig(true, true, 90, batchSize, 0.1 * batchSize / 256, 0.9, 0, 10, seed);
    }

    /** DINO's eval_linear.py: plain Linear, SGD momentum 0.9, lr 0.001 x batch / 256, 100 epochs, cosine, no weight decay. */
    public static LinearProbeConfig dino(int batchSize, long seed) {
        return new LinearProbeConfig(false, false, 100, batchSize, 0.001 * batchSize / 256, 0.9, 0, 0, seed);
    }

    /**
     * Loupe's default: MAE's BatchNorm head (insensitive to the feature scale, so one lr fits every
     * backbone) trained with SGD momentum 0.9 at lr 0.1 x batch / 256, cosine, no weight decay.
     */
    public static LinearProbeConfig defaults(int epochs, int batchSize, long seed) {
        return new LinearProbeConfig(true, false, epochs, batchSize, 0.1 * batchSize / 256, 0.9, 0, 0, seed);
    }

    /** A copy with another peak learning rate. */
    public LinearProbeConfig withLr(double peak) {
        return new LinearProbeConfig(
                batchNorm, lars, epochs, batchSize, peak, momentum, weightDecay, warmupEpochs, seed);
    }
}
