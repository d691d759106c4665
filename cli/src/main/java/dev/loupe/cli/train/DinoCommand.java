package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import dev.loupe.ssl.dino.DinoConfig;
import dev.loupe.ssl.dino.DinoObjective;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    // batch 64, min lr 1e-6, weight decay 0.04 -> 0.4, clipping at 3.0 of each parameter's gradient norm
    // separately (utils.clip_gradients), AdamW (0.9, 0.999), drop path 0.1
    static final SslRunOptions.Recipe RECIPE =
            new SslRunOptions.Recipe(64, 1e-6, 0.04, 0.4, 3.0, true, 0.9, 0.999, 0.1);

    @Mixin
    SslRunOptions run;

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

    @Mixin
    DinoTeacherOptions teacher;

    @Override
    public void run() {
        LabelledData data = run.load();
        ViTConfig vc = run.backbone(data, RECIPE);
        int batch = run.batch(RECIPE);
        TrainerConfig tc = run.trainerConfig(RECIPE, baseLr, batch);

        DinoConfig cfg = teacher.apply(DinoConfig.small().withHead(head.outDim, head.headHidden, head.headBottleneck));
        Map<String, Object> m = Settings.of(cfg); // the method's settings for config.json: its record, then the crops
        RecipeConfig recipe = crops.recipe(data, vc.patch(), crops.dinoScales(), blur, m);
        DinoObjective objective = new DinoObjective(vc, cfg, run.rng());
        run.train(
                new SslPlan(
                        "dino",
                        "DINO",
                        vc,
                        objective,
                        Recipes.dino(recipe),
                        tc,
                        batch,
                        m,
                        objective::teacherBackboneStateDict),
                data);
    }
}
