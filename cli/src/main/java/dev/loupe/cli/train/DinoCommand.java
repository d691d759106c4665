package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.GradClipMode;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import dev.loupe.ssl.dino.DinoConfig;
import dev.loupe.ssl.dino.DinoObjective;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loupe train dino}: DINO self-distillation (main_dino.py) with its ViT defaults adapted to
 * small images: 2 global crops of the full side (scale 0.4-1, or 0.14-1 without local crops) and 6
 * local crops of 12 px (scale 0.05-0.4) for 28 px images with patch 4, a head of 1024 prototypes,
 * AdamW at 5e-4 x batch / 256 with warm-up, weight decay 0.04 -> 0.4 on a cosine, per-parameter
 * gradient clipping at 3.0, teacher momentum 0.996 -> 1, teacher temperature 0.04, last layer frozen
 * in epoch 0, drop path 0.1.
 */
@Command(
        name = "dino",
        mixinStandardHelpOptions = true,
        description = "Self-supervised DINO training; writes the teacher backbone and a kNN curve.",
        footer =
                "%nShared options default for dino: --batch 64, --lr = --blr x batch / 256, --min-lr 1e-6, --weight-decay 0.04 with --weight-decay-end 0.4 (cosine), --clip-grad 3.0 applied to each parameter separately (DINO's clip_gradients), --drop-path 0.1, --warmup-epochs min(10, epochs / 10) and at least 1 when --epochs >= 2, AdamW (0.9, 0.999).")
public final class DinoCommand implements Runnable {
    static final double BASE_LR = 5e-4,
            MIN_LR = 1e-6,
            WEIGHT_DECAY = 0.04,
            WEIGHT_DECAY_END = 0.4,
            CLIP = 3.0,
            DROP_PATH = 0.1;
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
            defaultValue = "0.04",
            description = "Teacher temperature after warm-up (default ${DEFAULT-VALUE}).")
    double teacherTemp;

    @Option(
            names = "--warmup-teacher-temp",
            defaultValue = "0.04",
            description = "Teacher temperature at epoch 0 (default ${DEFAULT-VALUE}).")
    double warmupTeacherTemp;

    @Option(
            names = "--warmup-teacher-temp-epochs",
            defaultValue = "0",
            description = "Epochs of teacher temperature warm-up (default ${DEFAULT-VALUE}).")
    int warmupTeacherTempEpochs;

    @Option(
            names = "--momentum-teacher",
            defaultValue = "0.996",
            description = "Teacher EMA momentum at step 0, cosine to 1 (default ${DEFAULT-VALUE}).")
    double momentumTeacher;

    @Option(
            names = "--freeze-last-layer",
            defaultValue = "1",
            description = "Epochs without updates of the head's last layer (default ${DEFAULT-VALUE}).")
    int freezeLastLayer;

    @Override
    public void run() {
        if (common.threads != null) Parallel.setThreads(common.threads);
        LabelledData data = dataOptions.load();
        if (!SslTraining.given(spec, "--drop-path")) modelOptions.dropPath = DROP_PATH;
        ViTConfig vc = modelOptions.resolve(data.imageSize(), data.channels(), 0);
        int batch = common.batch(new CommonTrainOptions.Defaults(BATCH, 0, 0, 0, OptimizerKind.ADAMW, 0));
        SslTraining.defaultSchedule(spec, common, SslTraining.dinoWarmupEpochs(common), WEIGHT_DECAY_END);
        CommonTrainOptions.Defaults defaults = new CommonTrainOptions.Defaults(
                BATCH, SslTraining.scaledLr(common, baseLr, batch), MIN_LR, WEIGHT_DECAY, OptimizerKind.ADAMW, CLIP);
        TrainerConfig base = common.trainerConfig(defaults);
        // DINO clips each parameter's gradient norm separately (utils.clip_gradients)
        TrainerConfig tc = SslTraining.with(
                base,
                base.clipMax() > 0 ? GradClipMode.PER_PARAMETER : GradClipMode.NONE,
                base.clipMax(),
                base.beta1(),
                base.beta2());

        DinoConfig cfg = DinoConfig.small()
                .withHead(head.outDim, head.headHidden, head.headBottleneck)
                .withTeacherTemp(warmupTeacherTemp, teacherTemp, warmupTeacherTempEpochs)
                .withTeacherMomentum(momentumTeacher)
                .withFreezeLastLayer(freezeLastLayer);
        Map<String, Object> m = Settings.of(cfg); // the method's settings for config.json: its record, then the crops
        RecipeConfig recipe = crops.recipe(data, vc.patch(), crops.dinoScales(), blur, m);
        DinoObjective objective = new DinoObjective(vc, cfg, new Rng(common.seed));
        SslTraining.run(
                new SslTraining.Plan(
                        "dino",
                        "DINO",
                        vc,
                        objective,
                        Recipes.dino(recipe),
                        tc,
                        batch,
                        m,
                        objective::teacherBackboneStateDict),
                common,
                modelOptions,
                dataOptions,
                data,
                knn,
                trainLimit.trainLimit);
    }
}
