package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import dev.loupe.ssl.dinov2.Centering;
import dev.loupe.ssl.dinov2.Dinov2Config;
import dev.loupe.ssl.dinov2.Dinov2Objective;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loupe train dinov2}: DINO's CLS loss plus iBOT's masked-patch loss and KoLeo
 * (ssl_default_config.yaml), adapted to small images: DINO's multi-crop (6 local crops of 12 px for
 * 28 px images, patch 4), a shared head of 1024 prototypes, AdamW at 5e-4 x batch / 256 (linear
 * scaling, as {@code train dino}) with warm-up, weight decay 0.04 -> 0.4, global gradient clipping at
 * 3.0, teacher momentum 0.992 -> 1, teacher temperature 0.04 -> 0.07 over a third of the run (at most
 * 30 epochs), block masks on half the global crops with ratios 0.1-0.5, drop path 0.1. The block
 * masks are drawn per step from (seed, step), so --resume is exact.
 */
@Command(
        name = "dinov2",
        mixinStandardHelpOptions = true,
        description =
                "Self-supervised DINOv2 training (DINO + iBOT + KoLeo); writes the teacher backbone and a kNN curve.",
        footer =
                "%nShared options default for dinov2: --batch 64, --lr = --blr x batch / 256, --min-lr 1e-6, --weight-decay 0.04 with --weight-decay-end 0.4 (cosine), --clip-grad 3.0 (global norm), --drop-path 0.1, --warmup-epochs min(10, epochs / 10) and at least 1 when --epochs >= 2, AdamW (0.9, 0.999).")
public final class Dinov2Command implements Runnable {
    static final double MIN_LR = 1e-6, WEIGHT_DECAY = 0.04, WEIGHT_DECAY_END = 0.4, CLIP = 3.0, DROP_PATH = 0.1;
    static final int BATCH = 64;

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

    @Option(
            names = "--blr",
            defaultValue = "5e-4",
            description = "Base learning rate: lr = blr x batch / 256 unless --lr is given (default ${DEFAULT-VALUE}).")
    double baseLr;

    @Mixin
    DinoHeadOptions head;

    @Mixin
    MultiCropOptions crops;

    @Option(
            names = "--teacher-temp",
            defaultValue = "0.07",
            description = "Teacher temperature after warm-up (default ${DEFAULT-VALUE}).")
    double teacherTemp;

    @Option(
            names = "--warmup-teacher-temp",
            defaultValue = "0.04",
            description = "Teacher temperature at epoch 0 (default ${DEFAULT-VALUE}).")
    double warmupTeacherTemp;

    @Option(
            names = "--warmup-teacher-temp-epochs",
            description = "Epochs of teacher temperature warm-up (default: a third of --epochs, at most 30).")
    Integer warmupTeacherTempEpochs;

    @Option(
            names = "--momentum-teacher",
            defaultValue = "0.992",
            description = "Teacher EMA momentum at step 0, cosine to 1 (default ${DEFAULT-VALUE}).")
    double momentumTeacher;

    @Option(
            names = "--freeze-last-layer",
            defaultValue = "1",
            description = "Epochs without updates of the head's last layer (default ${DEFAULT-VALUE}).")
    int freezeLastLayer;

    @Option(
            names = "--ibot",
            defaultValue = "1.0",
            description = "Weight of the iBOT masked-patch loss (default ${DEFAULT-VALUE}).")
    double ibotWeight;

    @Option(
            names = "--koleo",
            defaultValue = "0.1",
            description = "Weight of the KoLeo regulariser (default ${DEFAULT-VALUE}).")
    double koleoWeight;

    @Option(
            names = "--mask-probability",
            defaultValue = "0.5",
            description = "Share of global crops that get a block mask (default ${DEFAULT-VALUE}).")
    double maskProbability;

    @Option(
            names = "--mask-ratio-min",
            defaultValue = "0.1",
            description = "Smallest mask ratio (default ${DEFAULT-VALUE}).")
    double maskRatioMin;

    @Option(
            names = "--mask-ratio-max",
            defaultValue = "0.5",
            description = "Largest mask ratio (default ${DEFAULT-VALUE}).")
    double maskRatioMax;

    @Option(names = "--sinkhorn", description = "Sinkhorn-Knopp targets instead of softmax centring.")
    boolean sinkhorn;

    @Override
    public void run() {
        if (common.threads != null) Parallel.setThreads(common.threads);
        LabelledData data = dataOptions.load();
        if (!SslTraining.given(spec, "--drop-path")) modelOptions.dropPath = DROP_PATH;
        ViTConfig vc = modelOptions.resolve(data.imageSize(), data.channels(), 0);
        int batch = common.batch(new CommonTrainOptions.Defaults(BATCH, 0, 0, 0, OptimizerKind.ADAMW, 0));
        SslTraining.defaultSchedule(spec, common, SslTraining.dinoWarmupEpochs(common), WEIGHT_DECAY_END);
        TrainerConfig tc = common.trainerConfig(new CommonTrainOptions.Defaults(
                BATCH, SslTraining.scaledLr(common, baseLr, batch), MIN_LR, WEIGHT_DECAY, OptimizerKind.ADAMW, CLIP));

        int tempEpochs = warmupTeacherTempEpochs != null
                ? warmupTeacherTempEpochs
                : common.epochs == null ? 0 : Math.min(30, common.epochs / 3);
        Dinov2Config cfg = Dinov2Config.paper()
                .withHead(head.outDim, head.headHidden, head.headBottleneck)
                .withTeacherTemp(warmupTeacherTemp, teacherTemp, tempEpochs)
                .withTeacher(momentumTeacher, freezeLastLayer)
                .withLossWeights(ibotWeight, koleoWeight)
                .withMasking(maskProbability, maskRatioMin, maskRatioMax)
                .withCentering(sinkhorn ? Centering.SINKHORN_KNOPP : Centering.SOFTMAX);
        Map<String, Object> m = Settings.of(cfg); // the method's settings for config.json: its record, then the crops
        RecipeConfig recipe = crops.recipe(data, vc.patch(), MultiCropOptions.dinov2Scales(), blur, m);
        Dinov2Objective dinov2 = new Dinov2Objective(vc, cfg, new Rng(common.seed));
        SslTraining.run(
                new SslTraining.Plan(
                        "dinov2",
                        "DINOv2",
                        vc,
                        dinov2,
                        Recipes.dino(recipe),
                        tc,
                        batch,
                        m,
                        dinov2::teacherBackboneStateDict),
                common,
                modelOptions,
                dataOptions,
                data,
                knn,
                trainLimit.trainLimit);
    }
}
