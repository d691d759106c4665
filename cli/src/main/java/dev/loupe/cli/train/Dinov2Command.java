package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import dev.loupe.ssl.dinov2.Dinov2Config;
import dev.loupe.ssl.dinov2.Dinov2Objective;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    // batch 64, min lr 1e-6, weight decay 0.04 -> 0.4, global gradient clipping at 3.0, AdamW (0.9, 0.999),
    // drop path 0.1
    static final SslRunOptions.Recipe RECIPE =
            new SslRunOptions.Recipe(64, 1e-6, 0.04, 0.4, 3.0, false, 0.9, 0.999, 0.1);

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
    Dinov2TeacherOptions teacher;

    @Mixin
    Dinov2LossOptions loss;

    @Mixin
    IbotMaskOptions masks;

    @Override
    public void run() {
        LabelledData data = run.load();
        ViTConfig vc = run.backbone(data, RECIPE);
        int batch = run.batch(RECIPE);
        TrainerConfig tc = run.trainerConfig(RECIPE, baseLr, batch);

        Dinov2Config cfg = masks.apply(loss.apply(teacher.apply(
                Dinov2Config.paper().withHead(head.outDim, head.headHidden, head.headBottleneck), run.common.epochs)));
        Map<String, Object> m = Settings.of(cfg); // the method's settings for config.json: its record, then the crops
        RecipeConfig recipe = crops.recipe(data, vc.patch(), MultiCropOptions.dinov2Scales(), blur, m);
        Dinov2Objective dinov2 = new Dinov2Objective(vc, cfg, run.rng());
        run.train(
                new SslPlan(
                        "dinov2",
                        "DINOv2",
                        vc,
                        dinov2,
                        Recipes.dino(recipe),
                        tc,
                        batch,
                        m,
                        dinov2::teacherBackboneStateDict),
                data);
    }
}
