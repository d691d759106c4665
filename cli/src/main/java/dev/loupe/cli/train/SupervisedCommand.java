package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.supervised.ClassificationObjective;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.Settings;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe train supervised}: a ViT classifier trained with (label-smoothed) cross-entropy.
 * Training images: random crop with 2 px padding and horizontal flip, normalised; test images:
 * normalised only. Test accuracy is measured at each epoch end (and every --eval-every steps); the
 * final weights go to runs/NAME/model.safetensors, the last confusion matrix to
 * plots/confusion.png and report.md.
 */
@Command(
        name = "supervised",
        mixinStandardHelpOptions = true,
        description = "Train a ViT classifier with cross-entropy and measure test accuracy.")
public final class SupervisedCommand implements Runnable {
    static final CommonTrainOptions.Defaults DEFAULTS =
            new CommonTrainOptions.Defaults(128, 1e-3, 1e-5, 0.05, OptimizerKind.ADAMW, 0.0);

    @Mixin
    CommonTrainOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DataOptions dataOptions;

    @Option(
            names = "--label-smoothing",
            defaultValue = "0",
            description = "Label smoothing of the cross-entropy (default ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Mixin
    AugmentOptions augment;

    @Option(
            names = "--eval-batch",
            defaultValue = "256",
            description = "Batch size for test accuracy (default ${DEFAULT-VALUE}).")
    int evalBatch;

    @Override
    public void run() {
        if (common.threads != null) Parallel.setThreads(common.threads);
        LabelledData data = dataOptions.loadLabelled("supervised training");
        ViTConfig vc = modelOptions.resolve(data.imageSize(), data.channels(), data.numClasses());
        int batch = common.batch(DEFAULTS);
        TrainerConfig tc = common.trainerConfig(DEFAULTS);

        VisionTransformer model = new VisionTransformer(vc, new Rng(common.seed));
        ClassificationObjective objective = new ClassificationObjective(model, labelSmoothing);
        RecipeConfig recipe = RecipeConfig.of(data.imageSize(), data.mean(), data.std());
        Loader train = new Loader(data.train(), augment.transform(recipe), common.loaderOptions(batch, true));
        Loader test = new Loader(
                data.test(), Recipes.eval(recipe.withEvalCropRatio(1.0)), common.loaderOptions(evalBatch, false));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", "supervised");
        settings.put("data", data.name());
        settings.put("model", modelOptions.model);
        settings.putAll(Settings.of(vc));
        settings.put("label_smoothing", labelSmoothing);
        augment.record(settings);
        settings.putAll(Settings.of(Map.of("batch", batch), tc));
        Map<String, Object> runtime = common.runtime();
        runtime.put("data_dir", dataOptions.dataDir == null ? null : dataOptions.dataDir.toString());
        runtime.put("eval_batch", evalBatch);

        RunDirectory dir = new RunDirectory(common.runFolder());
        System.err.printf(
                Locale.ROOT,
                "supervised: %s, ViT dim %d depth %d heads %d %s (%,d parameters), %d batches/epoch%n",
                data.name(),
                vc.dim(),
                vc.depth(),
                vc.heads(),
                vc.patchLabel(),
                model.parameterCount(),
                train.batchesPerEpoch());
        ClassifierTraining.run(
                common,
                dir,
                settings,
                runtime,
                model,
                objective,
                train,
                test,
                tc,
                "trained",
                "Supervised training: " + data.name(),
                "test accuracy",
                data);
    }
}
