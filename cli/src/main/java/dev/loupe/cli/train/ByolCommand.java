package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.byol.ByolObjective;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loupe train byol}: BYOL (Grill et al. 2020) on two augmented views (SimCLR's augmentations):
 * an online ViT with projector and predictor regresses an EMA target's projections. The paper trains
 * ResNets with LARS; for the ViT this uses AdamW (0.9, 0.999, weight decay 0.05) at 5e-4 x batch / 256
 * with warm-up and a cosine to 0. The online backbone is written at the end.
 */
@Command(
        name = "byol",
        mixinStandardHelpOptions = true,
        description = "Self-supervised BYOL training; writes the backbone and a kNN curve.",
        footer =
                "%nShared options default for byol: --batch 128, --lr = --blr x batch / 256, --min-lr 0, --weight-decay 0.05 (constant), no clipping, --drop-path 0, --warmup-epochs min(10, epochs / 10) and at least 1 when --epochs >= 2, AdamW (0.9, 0.999).")
public final class ByolCommand implements Runnable {
    static final double WEIGHT_DECAY = 0.05, BETA1 = 0.9, BETA2 = 0.999;
    static final int BATCH = 128;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonTrainOptions common;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    KnnMonitorOptions knn;

    @Mixin
    TrainLimitOptions trainLimit;

    @Mixin
    BlurOptions blur;

    @Mixin
    ViewCropOptions crop;

    @Option(
            names = "--blr",
            defaultValue = "5e-4",
            description = "Base learning rate: lr = blr x batch / 256 unless --lr is given (default ${DEFAULT-VALUE}).")
    double baseLr;

    @Option(
            names = "--proj-hidden",
            defaultValue = "1024",
            description = "Projector and predictor width (BYOL 4096; default ${DEFAULT-VALUE}).")
    int projHidden;

    @Option(
            names = "--proj-out",
            defaultValue = "256",
            description = "Projection width (BYOL 256; default ${DEFAULT-VALUE}).")
    int projOut;

    @Option(
            names = "--momentum",
            defaultValue = "0.99",
            description =
                    "Target EMA momentum at step 0, rising to 1 on a cosine (BYOL 0.996; 0.99 in small-batch recipes; default ${DEFAULT-VALUE}).")
    double momentum;

    @Option(
            names = "--color-strength",
            defaultValue = "0.5",
            description = "SimCLR colour-jitter strength s (default ${DEFAULT-VALUE}).")
    double colorStrength;

    @Override
    public void run() {
        if (common.threads != null) Parallel.setThreads(common.threads);
        LabelledData data = dataOptions.load();
        ViTConfig vc = modelOptions.resolve(data.imageSize(), data.channels(), 0);
        int batch = common.batch(new CommonTrainOptions.Defaults(BATCH, 0, 0, 0, OptimizerKind.ADAMW, 0));
        SslTraining.defaultSchedule(spec, common, SslTraining.dinoWarmupEpochs(common), null);
        TrainerConfig base = common.trainerConfig(new CommonTrainOptions.Defaults(
                BATCH, SslTraining.scaledLr(common, baseLr, batch), 0, WEIGHT_DECAY, OptimizerKind.ADAMW, 0));
        TrainerConfig tc = SslTraining.with(base, base.clip(), base.clipMax(), BETA1, BETA2);

        ByolObjective objective = new ByolObjective(vc, projHidden, projOut, momentum, new Rng(common.seed));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proj_hidden", projHidden);
        m.put("proj_out", projOut);
        m.put("target_momentum_base", momentum);
        m.put("color_strength", colorStrength);
        RecipeConfig recipe = crop.apply(blur.apply(
                RecipeConfig.of(data.imageSize(), data.mean(), data.std()).withSimclrStrength(colorStrength)));
        BlurOptions.record(m, recipe);
        ViewCropOptions.record(m, recipe);
        SslTraining.run(
                new SslTraining.Plan(
                        "byol",
                        "BYOL",
                        vc,
                        objective,
                        Recipes.simclr(recipe),
                        tc,
                        batch,
                        m,
                        objective::onlineBackboneStateDict),
                common,
                modelOptions,
                dataOptions,
                data,
                knn,
                trainLimit.trainLimit);
    }
}
