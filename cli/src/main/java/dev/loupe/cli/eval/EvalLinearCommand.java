package dev.loupe.cli.eval;

import dev.loupe.cli.train.DataOptions;
import dev.loupe.data.LabelledData;
import dev.loupe.eval.features.EvalFeatures;
import dev.loupe.eval.linear.LinearEvaluation;
import dev.loupe.eval.linear.LinearProbeConfig;
import dev.loupe.eval.report.EvalReport;
import dev.loupe.eval.report.LinearReport;
import dev.loupe.nn.VitWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval linear}: a linear classifier on frozen features. {@code --probe sgd} (default):
 * BatchNorm (no affine) + Linear trained with SGD momentum 0.9 at 0.1 x batch / 256 on a cosine, no
 * weight decay ({@link LinearProbeConfig#defaults}); {@code --probe logreg}: L-BFGS logistic
 * regression with C = 0.316 (CLIP's linear probe). Prints top-1; with {@code --out DIR} also writes
 * DIR/linear.json ({@link EvalReport}), DIR/confusion.png and DIR/report.md. The library calls: {@link LinearEvaluation}
 * and {@link LinearReport}.
 */
@Command(name = "linear", mixinStandardHelpOptions = true, description = "Linear-probe accuracy of frozen features.")
public final class EvalLinearCommand implements Runnable {
    @Mixin
    BackboneOptions backbone;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    FeatureOptions featureOptions;

    @Mixin
    LinearProbeOptions probeOptions;

    @Option(
            names = "--out",
            description = "Folder for linear.json, confusion.png and report.md (default: print the result only).")
    Path out;

    @Option(
            names = "--publish",
            description =
                    "Copy the backbone to this .safetensors file with the probe's features, top-1 and data in its metadata (eval linear then reads those features by default).")
    Path publish;

    @Option(
            names = "--publish-half",
            description =
                    "With --publish: store the weights as F16 (half the bytes); the probe then runs on the rounded weights it records.")
    boolean publishHalf;

    /** The backbone's name in the reports: the given file's, also while a staged copy is probed. */
    private String label;

    @Override
    public void run() {
        if (publishHalf && publish == null)
            throw new IllegalArgumentException("--publish-half needs --publish FILE.safetensors");
        if (publish != null && backbone.file() == null)
            throw new IllegalArgumentException("--publish needs --weights FILE, not " + backbone.weights);
        if (publish != null && featureOptions.holdout > 0)
            throw new IllegalArgumentException("--publish records a probe scored on the test split; drop --holdout");
        if (featureOptions.features == null && backbone.file() != null) {
            featureOptions.features = BackboneOptions.publishedProbeFeatures(backbone.file());
            if (featureOptions.features != null)
                System.err.println("features: " + featureOptions.features + ", the probe input recorded in "
                        + backbone.file() + " (--features to change)");
        }
        label = backbone.label();
        if (!publishHalf) {
            probe();
            return;
        }
        // the probe reads a rounded copy beside the target, so its record describes the published bytes
        Path source = backbone.file(), staged = publish.resolveSibling(publish.getFileName() + ".f16-staged");
        try {
            VitWeights.copyBackbone(source, staged, true);
            backbone.weights = staged.toString();
            probe();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + staged + ": " + e.getMessage(), e);
        } finally {
            backbone.weights = source.toString();
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                System.err.println("could not remove " + staged + ": " + e.getMessage());
            }
        }
    }

    private void probe() {
        String kind = probeOptions.kind();
        LabelledData data = dataOptions.load();
        EvalFeatures f = featureOptions.load(backbone, data, System.err);
        LinearEvaluation result = probeOptions.evaluate(f, System.err);
        if (out != null) {
            try {
                LinearReport.write(
                        out, EvalReport.of(label, f.dataset(), f.description()), result, f.train(), f.test());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the results to " + out + ": " + e.getMessage(), e);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "linear probe (%s) on %s features of %s: top-1 %.2f%% (%.1f s)%n",
                kind,
                f.description(),
                label,
                result.top1(),
                result.seconds());
        if (publish != null) {
            String probed = String.format(
                    Locale.ROOT,
                    "%s on %s (%d train, %d test)",
                    kind,
                    f.dataset(),
                    f.train().size(),
                    f.test().size());
            publish(f.description(), result.top1(), probed);
        }
        if (out != null)
            System.out.println("wrote " + out.resolve("linear.json") + ", " + out.resolve("confusion.png") + " and "
                    + out.resolve("report.md"));
    }

    private void publish(String features, double top1, String probe) {
        try {
            VitWeights.publish(backbone.file(), publish, features, top1, probe, publishHalf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish to " + publish + ": " + e.getMessage(), e);
        }
        System.out.println("published " + publish + (publishHalf ? " as F16" : "") + " (probe " + features + ", top-1 "
                + String.format(Locale.ROOT, "%.2f", top1) + "%)");
    }
}
