package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.ClassifierRun;
import dev.loupe.eval.supervised.ClassificationObjective;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import dev.loupe.tensor.Parallel;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options {@code loupe train supervised} and {@code loupe eval finetune} share (the run, the data,
 * the training augmentation, the test batch), turned into the library's {@link ClassifierRun}: training images
 * through --augment, test images normalised only, config.json's settings and runtime.
 */
public final class ClassifierRunOptions {
    @Mixin
    public CommonTrainOptions common;

    @Mixin
    public DataOptions dataOptions;

    @Mixin
    AugmentOptions augment;

    @Option(
            names = "--eval-batch",
            defaultValue = "256",
            description = "Batch size for test accuracy (default ${DEFAULT-VALUE}).")
    int evalBatch;

    /** Sets the compute threads, then loads --data. */
    public LabelledData load() {
        if (common.threads != null) Parallel.setThreads(common.threads);
        return dataOptions.load();
    }

    /** Sets the compute threads, then loads --data, which must have class labels (for purpose). */
    public LabelledData loadLabelled(String purpose) {
        if (common.threads != null) Parallel.setThreads(common.threads);
        return dataOptions.loadLabelled(purpose);
    }

    /**
     * The run of model on data: cross-entropy with labelSmoothing, the loaders, and settings (the
     * command's own keys so far) followed by label_smoothing, the augmentation, batch and tc.
     */
    public ClassifierRun prepare(
            LabelledData data,
            VisionTransformer model,
            double labelSmoothing,
            int batch,
            TrainerConfig tc,
            Map<String, Object> settings) {
        ClassificationObjective objective = new ClassificationObjective(model, labelSmoothing);
        RecipeConfig recipe = RecipeConfig.of(data.imageSize(), data.mean(), data.std());
        Loader train = new Loader(data.train(), augment.transform(recipe), common.loaderOptions(batch, true));
        Loader test = new Loader(
                data.test(), Recipes.eval(recipe.withEvalCropRatio(1.0)), common.loaderOptions(evalBatch, false));

        settings.put("label_smoothing", labelSmoothing);
        augment.record(settings);
        settings.putAll(Settings.of(Map.of("batch", batch), tc));
        Map<String, Object> runtime = common.runtime();
        runtime.put("data_dir", dataOptions.dataDir == null ? null : dataOptions.dataDir.toString());
        runtime.put("eval_batch", evalBatch);
        return new ClassifierRun(
                objective,
                train,
                test,
                tc,
                data,
                settings,
                common.setup(runtime),
                "Supervised training: " + data.name(),
                "test accuracy");
    }

    /**
     * Runs training (see {@link ClassifierRun#run}), then prints the one-line summary on stdout (rank 0).
     *
     * @param verb the summary's first word, e.g. "trained" or "fine-tuned"
     */
    public static void train(ClassifierRun training, String verb) {
        ClassifierRun.Result r = training.run();
        if (r.report() == null) return; // ranks other than 0 write and print nothing
        System.out.printf(
                Locale.ROOT,
                "%s %d steps; test accuracy %s; weights %s; report %s%n",
                verb,
                r.outcome().steps(),
                r.lastTest() == null
                        ? "n/a"
                        : String.format(Locale.ROOT, "%.4f", r.lastTest().top1()),
                r.weights(),
                r.report());
    }
}
