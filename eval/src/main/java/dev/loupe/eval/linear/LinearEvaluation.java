package dev.loupe.eval.linear;

import dev.loupe.eval.features.FeatureSet;
import java.util.Locale;

/**
 * A linear classifier trained on frozen train features and scored on test features, the way
 * {@code loupe eval linear} runs it: {@link #sgd} (a {@link LinearProbe}, BatchNorm + linear by default)
 * or {@link #logistic} (L-BFGS logistic regression, CLIP's probe).
 *
 * @param top1        test top-1 accuracy in percent
 * @param predictions the predicted class of each test sample
 * @param method      how the classifier was trained, for reports
 * @param logistic    whether it is logistic regression (else the SGD probe)
 * @param seconds     training and scoring time
 */
public record LinearEvaluation(double top1, int[] predictions, String method, boolean logistic, double seconds) {
    /** The SGD probe of {@code config} on train, scored on test. */
    public static LinearEvaluation sgd(LinearProbeConfig config, FeatureSet train, FeatureSet test) {
        long started = System.nanoTime();
        LinearProbeResult r = new LinearProbe(config).run(train, test);
        String method = String.format(
                Locale.ROOT,
                "%s, SGD momentum %s, lr %.4g cosine, %d epochs, batch %d",
                config.batchNorm() ? "BatchNorm + linear" : "linear",
                config.momentum(),
                config.lr(),
                config.epochs(),
                config.batchSize());
        return new LinearEvaluation(r.top1(), r.predictions(), method, false, elapsed(started));
    }

    /** L-BFGS logistic regression with inverse L2 strength c (sklearn's stopping rule) on train, scored on test. */
    public static LinearEvaluation logistic(double c, FeatureSet train, FeatureSet test) {
        long started = System.nanoTime();
        LogisticModel model = new LogisticRegression(c, Lbfgs.Options.sklearn(1000, 1e-4), false).fit(train);
        return new LinearEvaluation(
                model.accuracy(test),
                model.predict(test.features()),
                "L-BFGS logistic regression, C " + c,
                true,
                elapsed(started));
    }

    private static double elapsed(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
