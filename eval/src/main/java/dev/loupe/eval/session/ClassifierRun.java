package dev.loupe.eval.session;

import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.eval.report.ConfusionMatrixPlot;
import dev.loupe.eval.supervised.Accuracy;
import dev.loupe.eval.supervised.AccuracyResult;
import dev.loupe.eval.supervised.ClassificationObjective;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.RunReport;
import dev.loupe.run.Settings;
import dev.loupe.run.TrainingOutcome;
import dev.loupe.ssl.common.LoaderBatchSource;
import dev.loupe.tensor.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A classifier's training run in a run folder, what {@code loupe train supervised} and {@code loupe eval finetune}
 * do: trains the objective's ViT (with its class head) on the training loader, measuring the top-1 accuracy on
 * the test loader at every evaluation (metric test_accuracy), then, on rank 0, writes
 * <ul>
 *   <li>FOLDER/config.json: {@link #settings} and the setup's runtime entries, as given;
 *   <li>FOLDER/metrics.jsonl, checkpoints/ and plots/ as {@link TrainingSession} writes them;
 *   <li>FOLDER/model.safetensors: the whole classifier under timm ViT names with data's mean and std;
 *   <li>FOLDER/plots/confusion.png and FOLDER/report.md with the last evaluation's test confusion matrix
 *       (picture and table; both left out when the run never evaluated).
 * </ul>
 * Progress goes to the setup's log; nothing goes to stdout.
 *
 * <pre>{@code
 * ClassifierRun.Result r = ClassifierRun.of(new ClassificationObjective(vit, 0.1), train, test, config, data,
 *         RunSetup.in(Path.of("runs/supervised"))).run();
 * }</pre>
 *
 * @param objective  cross-entropy around the classifier (its model() is trained, evaluated and written)
 * @param train      the training batches (augmented, shuffled)
 * @param test       the test batches (normalised only), for the accuracy at each evaluation
 * @param config     the trainer configuration
 * @param data       the data set, whose name titles the report and whose normalisation the weights record
 * @param settings   config.json's settings: what a resumed run must repeat
 * @param setup      the run folder, device, data parallel and progress
 * @param title      the report's title
 * @param plotTitle  the confusion matrix picture's title
 */
public record ClassifierRun(
        ClassificationObjective objective,
        Loader train,
        Loader test,
        TrainerConfig config,
        LabelledData data,
        Map<String, Object> settings,
        RunSetup setup,
        String title,
        String plotTitle) {
    public ClassifierRun {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(setup, "setup");
    }

    /**
     * A supervised run: settings method "supervised", data, the ViT's configuration, batch (the training
     * loader's, times the ranks) and the trainer's; title "Supervised training: DATA"; plot title "test accuracy".
     */
    public static ClassifierRun of(
            ClassificationObjective objective,
            Loader train,
            Loader test,
            TrainerConfig config,
            LabelledData data,
            RunSetup setup) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", "supervised");
        settings.put("data", data.name());
        settings.putAll(Settings.of(objective.model().config()));
        int batch = train.options().batchSize() * setup.dist().worldSize(); // the loader holds this rank's share
        settings.putAll(Settings.of(Map.of("batch", batch), config));
        return new ClassifierRun(
                objective,
                train,
                test,
                config,
                data,
                settings,
                setup,
                "Supervised training: " + data.name(),
                "test accuracy");
    }

    public ClassifierRun withSettings(Map<String, Object> settings) {
        return new ClassifierRun(objective, train, test, config, data, settings, setup, title, plotTitle);
    }

    public ClassifierRun withSetup(RunSetup setup) {
        return new ClassifierRun(objective, train, test, config, data, settings, setup, title, plotTitle);
    }

    public ClassifierRun withTitle(String title) {
        return new ClassifierRun(objective, train, test, config, data, settings, setup, title, plotTitle);
    }

    public ClassifierRun withPlotTitle(String plotTitle) {
        return new ClassifierRun(objective, train, test, config, data, settings, setup, title, plotTitle);
    }

    /**
     * What the run did.
     *
     * @param outcome       steps, last metrics, time
     * @param lastTest      the last evaluation's test accuracy (top1 in 0..1) and confusion matrix; null when
     *                      the run never evaluated
     * @param weights       model.safetensors; null on ranks other than 0, which write nothing
     * @param report        report.md; null on ranks other than 0
     * @param confusionPlot plots/confusion.png; null on ranks other than 0 and without an evaluation
     */
    public record Result(
            TrainingOutcome outcome, AccuracyResult lastTest, Path weights, Path report, Path confusionPlot) {}

    /** Trains, then (rank 0) writes the weights, the confusion matrix and the report; see the class comment. */
    public Result run() {
        VisionTransformer model = objective.model();
        RunDirectory dir = new RunDirectory(setup.folder());
        AccuracyResult[] last = new AccuracyResult[1];
        Device device = setup.device();
        model.to(device);
        TrainingOutcome outcome = setup.train(
                dir,
                settings,
                setup.runtime(),
                objective,
                new LoaderBatchSource(train).map(b -> b.to(device)),
                config,
                (step, epoch) -> {
                    last[0] = Accuracy.evaluate(model, test);
                    return Map.of("test_accuracy", last[0].top1());
                });
        if (!setup.dist().isRankZero()) return new Result(outcome, last[0], null, null, null); // rank 0 writes
        Path plot = null;
        try {
            VitWeights.write(dir.finalModel(), model, data.mean(), data.std());
            List<RunReport.Section> sections = List.of();
            if (last[0] != null) {
                plot = dir.plots().resolve("confusion.png");
                ConfusionMatrixPlot.write(last[0].confusion(), plotTitle, plot);
                sections = List.of(new RunReport.Section(
                        "Test confusion matrix",
                        "![confusion](plots/confusion.png)\n\n"
                                + last[0].confusion().toMarkdown()));
            }
            RunReport.write(dir, title, settings, outcome, sections);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir.root() + ": " + e.getMessage(), e);
        }
        return new Result(outcome, last[0], dir.finalModel(), dir.report(), plot);
    }
}
