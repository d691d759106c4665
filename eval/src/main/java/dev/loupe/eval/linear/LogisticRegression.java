package dev.loupe.eval.linear;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;

/**
 * Multinomial L2-regularised logistic regression, CLIP's linear-probe classifier: sklearn's
 * LogisticRegression(C=0.316, max_iter=1000) with the lbfgs solver. It minimises
 * <pre>  (1/n) sum_i CE(W x_i + b, y_i) + 1/(2 C n) ||W||^2  </pre>
 * (sklearn's scaling of sum_i CE_i + ||W||^2 / (2C): the same minimiser, and the gradient
 * tolerance means what it means there), with no penalty on the bias, from W = 0, b = 0 by
 * {@link Lbfgs} in double precision. Optionally the features are standardised first with the
 * training mean and (population) standard deviation. Rows are processed in parallel but every sum
 * runs over samples in a fixed order, so the fit does not depend on the thread count.
 */
public final class LogisticRegression {
    /** CLIP's regularisation strength. */
    public static final double CLIP_C = 0.316;

    private final double c;
    private final Lbfgs.Options options;
    private final boolean standardize;

    public LogisticRegression(double c, Lbfgs.Options options, boolean standardize) {
        if (!(c > 0)) throw new IllegalArgumentException("logistic regression: C must be > 0, got " + c);
        this.c = c;
        this.options = options;
        this.standardize = standardize;
    }

    /** CLIP's setting: C = 0.316, max_iter 1000, sklearn's tol 1e-4, raw features. */
    public LogisticRegression() {
        this(CLIP_C, Lbfgs.Options.sklearn(1000, 1e-4), false);
    }

    /** Fits on {@code train}. */
    public LogisticModel fit(FeatureSet train) {
        int n = train.size(), f = train.dim(), k = train.numClasses();
        if (k < 2) throw new IllegalArgumentException("logistic regression: need at least 2 classes, got " + k);
        int[] y = train.checkedLabels("logistic regression train features");
        double[] x = toDoubles(train.features());
        Standardizer st = standardize ? Standardizer.fit(x, n, f) : Standardizer.identity(f);
        st.apply(x, n);
        Objective obj = new Objective(x, y, n, f, k, 1 / (c * n));
        Lbfgs.Result r = new Lbfgs(options).minimize(obj::valueAndGradient, new double[k * f + k]);
        double[] weight = new double[k * f], bias = new double[k];
        System.arraycopy(r.x(), 0, weight, 0, k * f);
        System.arraycopy(r.x(), k * f, bias, 0, k);
        return new LogisticModel(weight, bias, k, f, st, r.iterations(), r.converged(), r.value());
    }

    /** The objective and its gradient over parameters [W (K, F) row-major, b (K)]. */
    static final class Objective {
        private final double[] x; // (N, F)
        private final int[] y; // (N)
        private final int n, f, k;
        private final double l2; // 1 / (C n)

        Objective(double[] x, int[] y, int n, int f, int k, double l2) {
            this.x = x;
            this.y = y;
            this.n = n;
            this.f = f;
            this.k = k;
            this.l2 = l2;
        }

        double valueAndGradient(double[] params, double[] grad) {
            double[] residual = new double[n * k]; // (N, K): (softmax - onehot) / n
            double[] rowLoss = new double[n];
            Parallel.forRange(n, 64, (lo, hi) -> {
                double[] z = new double[k];
                for (int i = lo; i < hi; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < k; c++) {
                        double s = params[k * f + c];
                        for (int j = 0; j < f; j++) s += params[c * f + j] * x[i * f + j];
                        z[c] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int c = 0; c < k; c++) sum += Math.exp(z[c] - max);
                    double logSum = max + Math.log(sum);
                    rowLoss[i] = logSum - z[y[i]];
                    for (int c = 0; c < k; c++)
                        residual[i * k + c] = (Math.exp(z[c] - logSum) - (c == y[i] ? 1 : 0)) / n;
                }
            });
            double loss = 0, norm = 0;
            for (int i = 0; i < n; i++) loss += rowLoss[i];
            for (int p = 0; p < k * f; p++) norm += params[p] * params[p];
            // dW (K, F) = residual^T X + l2 W: parallel over feature columns, each sum over samples in order
            Parallel.forRange(f, 8, (lo, hi) -> {
                for (int c = 0; c < k; c++) for (int j = lo; j < hi; j++) grad[c * f + j] = l2 * params[c * f + j];
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < k; c++) {
                        double r = residual[i * k + c];
                        for (int j = lo; j < hi; j++) grad[c * f + j] += r * x[i * f + j];
                    }
                }
            });
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += residual[i * k + c];
                grad[k * f + c] = s;
            }
            return loss / n + 0.5 * l2 * norm;
        }
    }

    static double[] toDoubles(Tensor features) {
        float[] v = features.contiguous().toFloatArray();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
