package dev.loupe.cli.train;

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
import dev.loupe.run.TrainingOutcome;
import dev.loupe.run.TrainingSession;
import dev.loupe.ssl.common.LoaderBatchSource;
import dev.loupe.tensor.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A classifier's run folder, shared by {@code train supervised} and {@code eval finetune}: training
 * with the test accuracy at every evaluation, then the weights, the test confusion matrix (PNG and
 * table) and the report, and a one-line summary on stdout. Built by {@link ClassifierRunOptions#prepare}.
 *
 * @param settings  config.json's settings
 * @param runtime   config.json's runtime
 * @param train     the training loader
 * @param test      the test loader, for the accuracy at each evaluation
 * @param data      the data set, whose normalisation the weights file records
 */
public record ClassifierTraining(
        CommonTrainOptions common,
        RunDirectory dir,
        Map<String, Object> settings,
        Map<String, Object> runtime,
        VisionTransformer model,
        ClassificationObjective objective,
        Loader train,
        Loader test,
        TrainerConfig tc,
        LabelledData data) {

    /**
     * Trains, then writes the weights, the confusion matrix and the report, and prints the summary.
     *
     * @param verb       the summary's first word, e.g. "trained" or "fine-tuned"
     * @param title      the report's title
     * @param plotTitle  the confusion matrix plot's title
     */
    public void run(String verb, String title, String plotTitle) {
        AccuracyResult[] last = new AccuracyResult[1];
        Device device = common.device();
        model.to(device);
        TrainingOutcome outcome = TrainingSession.run(
                dir,
                settings,
                runtime,
                common.resuming(),
                objective,
                new LoaderBatchSource(train).map(b -> b.to(device)),
                tc,
                (step, epoch) -> {
                    last[0] = Accuracy.evaluate(model, test);
                    return Map.of("test_accuracy", last[0].top1());
                },
                common.logEvery,
                common.plotEvery,
                System.err,
                common.dataParallel());
        if (!common.dataParallel().isRankZero()) return; // rank 0 writes the results
        try {
            VitWeights.write(dir.finalModel(), model, data.mean(), data.std());
            List<RunReport.Section> sections = List.of();
            if (last[0] != null) {
                ConfusionMatrixPlot.write(
                        last[0].confusion(), plotTitle, dir.plots().resolve("confusion.png"));
                sections = List.of(new RunReport.Section(
                        "Test confusion matrix",
                        "![confusion](plots/confusion.png)\n\n"
                                + last[0].confusion().toMarkdown()));
            }
            RunReport.write(dir, title, settings, outcome, sections);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir.root() + ": " + e.getMessage(), e);
        }
        System.out.printf(
                Locale.ROOT,
                "%s %d steps; test accuracy %s; weights %s; report %s%n",
                verb,
                outcome.steps(),
                last[0] == null ? "n/a" : String.format(Locale.ROOT, "%.4f", last[0].top1()),
                dir.finalModel(),
                dir.report());
    }
}
