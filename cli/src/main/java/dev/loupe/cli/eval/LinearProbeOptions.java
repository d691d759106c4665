package dev.loupe.cli.eval;

import dev.loupe.eval.features.EvalFeatures;
import dev.loupe.eval.linear.LinearEvaluation;
import dev.loupe.eval.linear.LinearProbeConfig;
import java.io.PrintStream;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code eval linear}'s probe: {@code --probe sgd} (BatchNorm + linear, SGD momentum on a cosine,
 * {@link LinearProbeConfig#defaults}) with its epochs, batch, lr and seed, or {@code --probe logreg}
 * (L-BFGS logistic regression) with its C.
 */
public final class LinearProbeOptions {
    @Option(
            names = "--probe",
            defaultValue = "sgd",
            description =
                    "sgd (BatchNorm + linear, SGD momentum, cosine) or logreg (L-BFGS, C 0.316) (default ${DEFAULT-VALUE}).")
    String probe;

    @Option(
            names = "--epochs",
            defaultValue = "100",
            description =
                    "sgd: passes over the training features (DINO's 100; about 80 s for 60000 features of width 128 on 2 busy cores; default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--probe-batch",
            defaultValue = "256",
            description = "sgd: features per step (default ${DEFAULT-VALUE}).")
    int probeBatch;

    @Option(names = "--probe-lr", description = "sgd: peak learning rate (default 0.1 x probe batch / 256).")
    Double probeLr;

    @Option(
            names = "--c",
            defaultValue = "0.316",
            description = "logreg: inverse L2 strength C (default ${DEFAULT-VALUE}).")
    double c;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "sgd: seed of the head and the shuffling (default ${DEFAULT-VALUE}).")
    long seed;

    /** sgd or logreg, lower-cased. */
    String kind() {
        String kind = probe.toLowerCase(Locale.ROOT);
        if (!kind.equals("sgd") && !kind.equals("logreg"))
            throw new IllegalArgumentException("unknown --probe '" + probe + "' (sgd or logreg)");
        return kind;
    }

    /** Trains the chosen probe on f's training features and scores it on its test features; a line on log first. */
    LinearEvaluation evaluate(EvalFeatures f, PrintStream log) {
        if (kind().equals("sgd")) {
            LinearProbeConfig d = LinearProbeConfig.defaults(epochs, probeBatch, seed);
            LinearProbeConfig cfg = probeLr == null ? d : d.withLr(probeLr);
            log.printf(
                    Locale.ROOT,
                    "linear probe: BatchNorm + linear, SGD lr %.4g, %d epochs of %d features%n",
                    cfg.lr(),
                    epochs,
                    f.train().size());
            return LinearEvaluation.sgd(cfg, f.train(), f.test());
        }
        log.printf(
                Locale.ROOT,
                "logistic regression: L-BFGS, C %s, %d features of width %d%n",
                c,
                f.train().size(),
                f.train().dim());
        return LinearEvaluation.logistic(c, f.train(), f.test());
    }
}
