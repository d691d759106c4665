package dev.loupe.cli.train;

import dev.loupe.data.Batch;
import dev.loupe.data.EvenSubset;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.train.GradClipMode;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.RunReport;
import dev.loupe.run.Settings;
import dev.loupe.run.TrainingOutcome;
import dev.loupe.run.TrainingSession;
import dev.loupe.ssl.common.LoaderBatchSource;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code loupe train dino|dinov2|mae|simclr|vicreg|byol} share: method defaults for options the user left
 * out, the kNN monitor, the run through {@link TrainingSession}, and the results: the backbone as
 * runs/NAME/model.safetensors under plain timm ViT names (what {@code loupe eval} loads) and report.md.
 */
final class SslTraining {
    private SslTraining() {}

    /**
     * A method's recipe for one run.
     *
     * @param method         "dino", "dinov2", "mae", "simclr", "vicreg", "byol"
     * @param title          report title
     * @param backbone       the backbone's shape (no head)
     * @param objective      the objective, whose module() is what checkpoints hold
     * @param augmentation   the views of a training image
     * @param config         the trainer configuration
     * @param batch          images per step
     * @param methodSettings the method's own settings for config.json (resume refuses other values)
     * @param backboneState  the backbone to evaluate and to write at the end, under timm ViT names
     */
    record Plan(
            String method,
            String title,
            ViTConfig backbone,
            Objective<Batch> objective,
            ViewTransform augmentation,
            TrainerConfig config,
            int batch,
            Map<String, Object> methodSettings,
            Supplier<Map<String, Tensor>> backboneState) {}

    /** Whether the user gave {@code option} on the command line. */
    static boolean given(CommandSpec spec, String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Fills the schedule options the user left out with a method's defaults. */
    static void defaultSchedule(
            CommandSpec spec, CommonTrainOptions common, double warmupEpochs, Double weightDecayEnd) {
        if (!given(spec, "--warmup-epochs") && !given(spec, "--warmup-steps")) common.warmupEpochs = warmupEpochs;
        if (common.weightDecayEnd == null && weightDecayEnd != null) common.weightDecayEnd = weightDecayEnd;
    }

    /** The learning rate: --lr as given, else base * batch / 256 (the references' linear scaling rule). */
    static double scaledLr(CommonTrainOptions common, double baseLr, int batch) {
        if (common.lr != null) return common.lr;
        if (!(baseLr > 0)) throw new IllegalArgumentException("--blr must be > 0, got " + baseLr);
        return baseLr * batch / 256.0;
    }

    /** DINO's warm-up: 10 epochs, at most a tenth of the run (at least 1 epoch when the run has several). */
    static double dinoWarmupEpochs(CommonTrainOptions common) {
        if (common.epochs == null) return 0;
        return Math.min(10, Math.max(common.epochs >= 2 ? 1 : 0, common.epochs / 10));
    }

    /** A {min, max} option such as --global-scale 0.4,1.0. */
    static double[] range(double[] v, String option) {
        if (v == null || v.length != 2)
            throw new IllegalArgumentException(option + " needs two comma-separated values min,max");
        return v;
    }

    /** {@code c} with other clipping and AdamW betas. */
    static TrainerConfig with(TrainerConfig c, GradClipMode clip, double clipMax, double beta1, double beta2) {
        return c.toBuilder().betas(beta1, beta2).clip(clip, clipMax).build();
    }

    /** Trains, then writes model.safetensors and report.md; prints a one-line summary. */
    static void run(
            Plan plan,
            CommonTrainOptions common,
            ModelOptions modelOptions,
            DataOptions dataOptions,
            LabelledData data,
            KnnMonitorOptions knn,
            int trainLimit) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", plan.method());
        settings.put("data", data.name());
        settings.put("train_limit", trainLimit);
        settings.put("model", modelOptions.model);
        settings.putAll(Settings.of(plan.backbone()));
        settings.putAll(plan.methodSettings());
        settings.putAll(Settings.of(Map.of("batch", plan.batch()), plan.config()));
        Map<String, Object> runtime = common.runtime();
        runtime.put("data_dir", dataOptions.dataDir == null ? null : dataOptions.dataDir.toString());
        runtime.put("knn_train", knn.trainImages);
        runtime.put("knn_test", knn.testImages);
        runtime.put("knn_k", knn.k);
        runtime.put("eval_batch", knn.evalBatch);

        Loader train = new Loader(
                EvenSubset.of(data.train(), trainLimit), plan.augmentation(), common.loaderOptions(plan.batch(), true));
        KnnMonitor monitor = new KnnMonitor(plan.backbone(), plan.backboneState(), data, knn.settings());
        RunDirectory dir = new RunDirectory(common.runFolder());
        ViTConfig b = plan.backbone();
        System.err.printf(
                Locale.ROOT,
                "%s: %s, ViT dim %d depth %d heads %d %s, %,d trainable parameters, %d batches/epoch, lr %.3g%n",
                plan.method(),
                data.name(),
                b.dim(),
                b.depth(),
                b.heads(),
                b.patchLabel(),
                plan.objective().trainableParameters().values().stream()
                        .mapToLong(p -> p.data().numel())
                        .sum(),
                train.batchesPerEpoch(),
                plan.config().lr());
        Device device = common.device();
        plan.objective().module().to(device);
        TrainingOutcome outcome = TrainingSession.run(
                dir,
                settings,
                runtime,
                common.resuming(),
                plan.objective(),
                new LoaderBatchSource(train).map(batch -> batch.to(device)),
                plan.config(),
                monitor,
                common.logEvery,
                common.plotEvery,
                System.err,
                common.dataParallel());
        if (!common.dataParallel().isRankZero()) return; // rank 0 writes the results
        try {
            VisionTransformer backbone = monitor.backbone();
            VitWeights.write(dir.finalModel(), backbone, data.mean(), data.std());
            String what =
                    switch (plan.method()) {
                        case "dino", "dinov2" -> "the EMA teacher's backbone";
                        case "mae" -> "the encoder (decoder dropped)";
                        case "vicreg" -> "the backbone (expander dropped)";
                        case "byol" -> "the online backbone (projector, predictor and EMA target dropped)";
                        default -> "the image tower's backbone (projection head dropped)";
                    };
            RunReport.write(
                    dir,
                    plan.title() + ": " + data.name(),
                    settings,
                    outcome,
                    List.of(new RunReport.Section(
                            "Weights",
                            "model.safetensors holds " + what
                                    + " under timm ViT names; evaluate it with `loupe eval knn|linear|finetune --weights "
                                    + dir.finalModel() + "`. knn_top1 is a weighted " + knn.k
                                    + "-NN (temperature 0.07) on CLS features of "
                                    + (knn.trainImages == 0 ? "all" : knn.trainImages) + " training and "
                                    + (knn.testImages == 0 ? "all" : knn.testImages)
                                    + " test images; rankme is the effective rank (RankMe) of "
                                    + "those training features, near 1 when they have collapsed.")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir.root() + ": " + e.getMessage(), e);
        }
        Double top1 =
                outcome.lastEval() == null ? null : outcome.lastEval().values().get(KnnMonitor.METRIC);
        System.out.printf(
                Locale.ROOT,
                "trained %d steps; kNN top-1 %s; weights %s; report %s%n",
                outcome.steps(),
                top1 == null ? "n/a" : String.format(Locale.ROOT, "%.4f", top1),
                dir.finalModel(),
                dir.report());
    }
}
