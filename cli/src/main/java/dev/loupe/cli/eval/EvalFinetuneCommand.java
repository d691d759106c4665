package dev.loupe.cli.eval;

import dev.loupe.cli.train.AugmentOptions;
import dev.loupe.cli.train.ClassifierTraining;
import dev.loupe.cli.train.CommonTrainOptions;
import dev.loupe.cli.train.DataOptions;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.supervised.ClassificationObjective;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.Settings;
import dev.loupe.tensor.Parallel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loupe eval finetune}: the backbone (or a random ViT) with a new linear head trained end to
 * end on the labelled training split (MAE's main_finetune.py recipe, small-image version): AdamW at
 * 1e-3 x batch / 256 with 1/10 of the epochs (at most 5) of warm-up and a cosine to 1e-6, weight
 * decay 0.05, layer-wise lr decay 0.75, drop path 0.1, label smoothing 0.1, random crop with 2 px
 * padding + flip. Runs through the training session, so --out is a run folder (checkpoints,
 * metrics, plots, --resume); test accuracy each epoch and at the end.
 */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        description = "Fine-tune a backbone with a new head and report test accuracy.",
        footer =
                "%nShared options default for finetune: --batch 128, --lr = --blr x batch / 256, --min-lr 1e-6, --weight-decay 0.05, no clipping, --drop-path 0.1, --warmup-epochs min(5, epochs / 10), AdamW (0.9, 0.999). --model/--dim/... only shape the ViT of --weights random.")
public final class EvalFinetuneCommand implements Runnable {
    static final int BATCH = 128;
    static final double WEIGHT_DECAY = 0.05, MIN_LR = 1e-6, DROP_PATH = 0.1;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonTrainOptions common;

    @Mixin
    BackboneOptions backbone;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    AugmentOptions augment;

    @Option(
            names = "--blr",
            defaultValue = "1e-3",
            description = "Base learning rate: lr = blr x batch / 256 unless --lr is given (default ${DEFAULT-VALUE}).")
    double baseLr;

    @Option(
            names = "--layer-decay",
            defaultValue = "0.75",
            description = "Layer-wise lr decay (MAE: 0.75 ViT-B, 0.65 ViT-L; default ${DEFAULT-VALUE}).")
    double layerDecay;

    @Option(
            names = "--label-smoothing",
            defaultValue = "0.1",
            description = "Label smoothing (default ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Option(
            names = "--eval-batch",
            defaultValue = "256",
            description = "Batch size for test accuracy (default ${DEFAULT-VALUE}).")
    int evalBatch;

    @Override
    public void run() {
        if (common.threads != null) Parallel.setThreads(common.threads);
        if (backbone.raw())
            throw new IllegalArgumentException("fine-tuning needs a ViT: --weights FILE or random, not raw");
        LabelledData data = dataOptions.load();
        if (data.numClasses() == 0)
            throw new IllegalArgumentException("--data " + data.name() + " has no class labels to fine-tune on");
        boolean dropPathGiven = spec.commandLine().getParseResult().hasMatchedOption("--drop-path");
        double dropPath = dropPathGiven ? backbone.model.dropPath : DROP_PATH;
        VisionTransformer model = backbone.load(data, data.numClasses(), dropPath);
        int batch = common.batch(new CommonTrainOptions.Defaults(BATCH, 0, 0, 0, OptimizerKind.ADAMW, 0));
        if (!spec.commandLine().getParseResult().hasMatchedOption("--warmup-epochs")
                && !spec.commandLine().getParseResult().hasMatchedOption("--warmup-steps")) {
            common.warmupEpochs = common.epochs == null ? 0 : Math.min(5, common.epochs / 10.0);
        }
        double lr = common.lr != null ? common.lr : baseLr * batch / 256.0;
        TrainerConfig c = common.trainerConfig(
                new CommonTrainOptions.Defaults(BATCH, lr, MIN_LR, WEIGHT_DECAY, OptimizerKind.ADAMW, 0));
        TrainerConfig tc = c.toBuilder().layerDecay(layerDecay).build();

        ClassificationObjective objective = new ClassificationObjective(model, labelSmoothing);
        RecipeConfig recipe = RecipeConfig.of(data.imageSize(), data.mean(), data.std());
        Loader train = new Loader(data.train(), augment.transform(recipe), common.loaderOptions(batch, true));
        Loader test = new Loader(
                data.test(), Recipes.eval(recipe.withEvalCropRatio(1.0)), common.loaderOptions(evalBatch, false));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", "finetune");
        settings.put("weights", backbone.weights);
        settings.put("init_seed", backbone.initSeed);
        settings.put("data", data.name());
        settings.putAll(Settings.of(model.config()));
        settings.put("label_smoothing", labelSmoothing);
        augment.record(settings);
        settings.putAll(Settings.of(Map.of("batch", batch), tc));
        Map<String, Object> runtime = common.runtime();
        runtime.put("data_dir", dataOptions.dataDir == null ? null : dataOptions.dataDir.toString());
        runtime.put("eval_batch", evalBatch);

        RunDirectory dir = new RunDirectory(common.runFolder());
        System.err.printf(
                Locale.ROOT,
                "finetune %s: %s, ViT dim %d depth %d, lr %.3g, layer decay %s, %d batches/epoch%n",
                backbone.label(),
                data.name(),
                model.config().dim(),
                model.config().depth(),
                tc.lr(),
                layerDecay,
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
                "fine-tuned",
                "Fine-tuning " + backbone.label() + ": " + data.name(),
                "fine-tuned test accuracy",
                data);
    }
}
