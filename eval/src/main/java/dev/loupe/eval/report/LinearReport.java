package dev.loupe.eval.report;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.linear.LinearEvaluation;
import dev.loupe.tensor.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The files of a linear evaluation: DIR/linear.json ({@link EvalReport}), DIR/confusion.png and DIR/report.md. */
public final class LinearReport {
    private LinearReport() {}

    /**
     * Writes the three files for {@code result} of features described by {@code base} (method label,
     * data set, feature kind), trained on {@code train} and scored on {@code test}.
     */
    public static void write(Path dir, EvalReport base, LinearEvaluation result, FeatureSet train, FeatureSet test)
            throws IOException {
        EvalReport report = result.logistic() ? base.withLogistic(result.top1()) : base.withLinear(result.top1());
        int classes = Math.max(train.numClasses(), test.numClasses());
        ConfusionMatrix confusion = ConfusionMatrix.of(
                test.checkedLabels("linear probe test features"), result.predictions(), test.classNames(), classes);
        Files.createDirectories(dir);
        report.writeJson(dir.resolve("linear.json"));
        ConfusionMatrixPlot.write(confusion, "linear probe: " + base.method(), dir.resolve("confusion.png"));
        String text = "# Linear probe: " + base.method() + " on " + base.dataset() + "\n\n"
                + String.format(
                        Locale.ROOT,
                        "%s on %s features of %d training images; test top-1 **%.2f%%** on %d images (%.1f s).%n%n",
                        result.method(),
                        base.features(),
                        train.size(),
                        result.top1(),
                        test.size(),
                        result.seconds())
                + EvalReport.markdownTable(List.of(report)) + "\n![confusion](confusion.png)\n";
        AtomicFile.write(dir.resolve("report.md"), text.getBytes(StandardCharsets.UTF_8));
    }
}
