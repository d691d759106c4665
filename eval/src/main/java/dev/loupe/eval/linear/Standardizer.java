package dev.loupe.eval.linear;

/**
 * Per-feature (x - mean) / std with statistics from the training features (population std, as
 * sklearn's StandardScaler; a constant feature keeps std 1).
 *
 * @param mean (F)
 * @param std  (F)
 */
public record Standardizer(double[] mean, double[] std) {
    /** No change: mean 0, std 1. */
    public static Standardizer identity(int f) {
        double[] ones = new double[f];
        java.util.Arrays.fill(ones, 1);
        return new Standardizer(new double[f], ones);
    }

    /** Statistics of x (N, F) row-major. */
    public static Standardizer fit(double[] x, int n, int f) {
        double[] mean = new double[f], std = new double[f];
        for (int i = 0; i < n; i++) for (int j = 0; j < f; j++) mean[j] += x[i * f + j];
        for (int j = 0; j < f; j++) mean[j] /= n;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                double d = x[i * f + j] - mean[j];
                std[j] += d * d;
            }
        }
        for (int j = 0; j < f; j++) {
            double s = Math.sqrt(std[j] / n);
            std[j] = s > 0 ? s : 1;
        }
        return new Standardizer(mean, std);
    }

    /** Standardises x (N, F) row-major in place. */
    public void apply(double[] x, int n) {
        int f = mean.length;
        for (int i = 0; i < n; i++) for (int j = 0; j < f; j++) x[i * f + j] = (x[i * f + j] - mean[j]) / std[j];
    }
}
