package dev.loupe.cli.eval;

import dev.loupe.cli.train.DataOptions;
import dev.loupe.data.LabelledData;
import dev.loupe.eval.features.EvalFeatures;
import dev.loupe.eval.knn.KnnClassifier;
import dev.loupe.eval.knn.KnnResult;
import dev.loupe.eval.report.EvalReport;
import dev.loupe.run.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval knn}: DINO's weighted kNN (cosine similarity, temperature 0.07, k = 10, 20,
 * 100, 200) on frozen features of the training split, classifying the test split. Prints a table;
 * with {@code --out DIR} also writes DIR/knn.json ({@link EvalReport}) and DIR/report.md.
 */
@Command(
        name = "knn",
        mixinStandardHelpOptions = true,
        description = "Weighted kNN accuracy of frozen features (DINO's protocol).")
public final class EvalKnnCommand implements Runnable {
    @Mixin
    BackboneOptions backbone;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    FeatureOptions featureOptions;

    @Option(
            names = "--k",
            split = ",",
            defaultValue = "10,20,100,200",
            description = "Neighbour counts (default ${DEFAULT-VALUE}).")
    int[] ks;

    @Option(
            names = "--temperature",
            defaultValue = "0.07",
            description = "Vote temperature (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--out", description = "Folder for knn.json and report.md (default: print the table only).")
    Path out;

    @Override
    public void run() {
        LabelledData data = dataOptions.load();
        EvalFeatures f = featureOptions.load(backbone, data, System.err);
        List<KnnResult> results = new KnnClassifier(temperature, 256).evaluate(f.train(), f.test(), ks);
        EvalReport report =
                EvalReport.of(backbone.label(), f.dataset(), f.description()).withKnn(results);
        StringBuilder table = new StringBuilder("| k | top-1 % | top-5 % |\n|---:|---:|---:|\n");
        for (KnnResult r : results) {
            table.append(String.format(
                    Locale.ROOT,
                    "| %d | %.2f | %s |%n",
                    r.k(),
                    r.top1(),
                    Double.isNaN(r.top5()) ? "-" : String.format(Locale.ROOT, "%.2f", r.top5())));
        }
        System.out.printf(
                Locale.ROOT,
                "kNN on %s features of %s (%d train, %d test):%n%s",
                f.description(),
                backbone.label(),
                f.train().size(),
                f.test().size(),
                table);
        if (out == null) return;
        try {
            Files.createDirectories(out);
            report.writeJson(out.resolve("knn.json"));
            RunDirectory.writeText(
                    out.resolve("report.md"),
                    "# kNN: " + backbone.label() + " on " + f.dataset() + "\n\n"
                            + String.format(
                                    Locale.ROOT,
                                    "Weighted kNN, temperature %s, %s features, %d training and %d test images.%n%n",
                                    temperature,
                                    f.description(),
                                    f.train().size(),
                                    f.test().size())
                            + table + "\n" + EvalReport.markdownTable(List.of(report)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + out + ": " + e.getMessage(), e);
        }
        System.out.println("wrote " + out.resolve("knn.json") + " and " + out.resolve("report.md"));
    }
}
