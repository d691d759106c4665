package dev.loupe.eval.linear;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/**
 * A fitted multinomial logistic regression: logits = W standardise(x) + b.
 *
 * @param weight      W (K, F) row-major, double
 * @param bias        b (K)
 * @param classes     K
 * @param features    F
 * @param standardizer the training statistics applied before W (identity when not standardising)
 * @param iterations  L-BFGS iterations used
 * @param converged   whether a tolerance stopped the run (false: iteration limit or a failed line search)
 * @param loss        the objective at the solution
 */
public record LogisticModel(
        double[] weight,
        double[] bias,
        int classes,
        int features,
        Standardizer standardizer,
        int iterations,
        boolean converged,
        double loss) {

    /** W as a float64 (K, F) tensor. */
    public Tensor weightTensor() {
        return Tensor.of(weight.clone(), classes, features);
    }

    /** b as a float64 (K) tensor. */
    public Tensor biasTensor() {
        return Tensor.of(bias.clone(), classes);
    }

    /** Logits for features (N, F) -> float64 (N, K). */
    public Tensor logits(Tensor x) {
        if (x.rank() != 2 || x.size(1) != features) {
            throw new IllegalArgumentException(
                    "logistic regression: features must be (N, " + features + "), got " + x.shape());
        }
        int n = x.size(0);
        double[] v = LogisticRegression.toDoubles(x.to(DType.F32));
        standardizer.apply(v, n);
        double[] out = new double[n * classes];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                double s = bias[c];
                for (int j = 0; j < features; j++) s += weight[c * features + j] * v[i * features + j];
                out[i * classes + c] = s;
            }
        }
        return Tensor.of(out, n, classes);
    }

    /** The most likely class of every row (ties: lower class). */
    public int[] predict(Tensor x) {
        return Ranking.argmax(logits(x));
    }

    /** Top-1 accuracy in percent on a labelled set. */
    public double accuracy(FeatureSet test) {
        return Ranking.topKAccuracy(
                logits(test.features()), test.checkedLabels("logistic regression test features"), 1);
    }
}
