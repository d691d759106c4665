package dev.loupe.cli.run;

import dev.loupe.cli.DeviceOption;
import dev.loupe.cli.train.DataOptions;
import dev.loupe.cli.train.ModelOptions;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.eval.report.ConfusionMatrixPlot;
import dev.loupe.eval.supervised.Accuracy;
import dev.loupe.eval.supervised.AccuracyReport;
import dev.loupe.eval.supervised.AccuracyResult;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.run.RunDirectory;
import dev.loupe.tensor.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval accuracy}: top-1 accuracy and confusion matrix of a classifier ViT on a test
 * split. Prints both and writes DIR/accuracy.json and DIR/confusion.png.
 */
@Command(
        name = "accuracy",
        mixinStandardHelpOptions = true,
        description = "Top-1 accuracy and confusion matrix of a ViT classifier on a test set.")
public final class EvalAccuracyCommand implements Runnable {
    @Option(names = "--weights", required = true, description = "ViT weights with a head (timm names, .safetensors).")
    Path weights;

    @Option(
            names = "--heads",
            description = "Attention heads (default: from the file's metadata, written by loupe train).")
    Integer heads;

    @Mixin
    DataOptions dataOptions;

    @Option(
            names = "--pool",
            description =
                    "cls or mean: the features the head reads (default: the file's metadata, written by loupe train; cls without it).")
    String pool;

    @Option(
            names = "--batch",
            defaultValue = "256",
            description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", description = "Data loading threads (default: cores).")
    Integer workers;

    @Option(names = "--threads", description = "Compute threads (default: cores).")
    Integer threads;

    @Mixin
    DeviceOption device;

    @Option(names = "--out", required = true, description = "Folder for accuracy.json and confusion.png.")
    Path out;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        try {
            VisionTransformer model = VitWeights.read(
                    weights, new VitWeights.Overrides(heads, pool == null ? null : ModelOptions.meanPool(pool)));
            ViTConfig c = model.config();
            LabelledData data = dataOptions.loadLabelled("eval accuracy");
            if (c.numClasses() == 0)
                throw new IllegalArgumentException(weights + " has no classification head (head.weight)");
            if (c.imageSize() != data.imageSize() || c.channels() != data.channels()) {
                throw new IllegalArgumentException(weights + " expects " + c.channels() + "x" + c.imageSize() + "x"
                        + c.imageSize() + " images but " + data.name() + " has " + data.channels() + "x"
                        + data.imageSize() + "x" + data.imageSize());
            }
            Loader loader = AccuracyReport.testLoader(data, batch, workers);
            model.to(device.device());
            AccuracyResult r = Accuracy.evaluate(model, loader);

            Files.createDirectories(out);
            RunDirectory.writeJson(
                    out.resolve("accuracy.json"),
                    AccuracyReport.json(weights.toString(), data.test().name(), r));
            ConfusionMatrixPlot.write(r.confusion(), "test accuracy", out.resolve("confusion.png"));
            System.out.print(AccuracyReport.text(data.test().name(), r));
            System.out.println("\nwrote " + out.resolve("accuracy.json") + " and " + out.resolve("confusion.png"));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
