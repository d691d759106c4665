package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.simclr.SimClrObjective;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe train simclr}: NT-Xent between two augmented views (SimCLR augmentations) through a
 * ViT and a BN projection head, in SLIP's ViT setting (AdamW, betas 0.9 / 0.98, weight decay 0.1)
 * at 5e-4 x batch / 256 with warm-up and a cosine to 0, temperature 0.5 (the small-batch CIFAR
 * recipe; 0.1 at large batch), head 512 -> 128; {@code --local-crops N} adds SwAV's multi-crop views;
 * {@code --mim-weight W} adds SimMIM's masked-pixel term on block-masked full views.
 * The image tower's backbone is written at the end.
 */
@Command(
        name = "simclr",
        mixinStandardHelpOptions = true,
        description = "Self-supervised SimCLR training; writes the backbone and a kNN curve.",
        footer =
                "%nShared options default for simclr: --batch 128, --lr = --blr x batch / 256, --min-lr 0, --weight-decay 0.1 (constant), no clipping, --drop-path 0, --warmup-epochs min(10, epochs / 10) and at least 1 when --epochs >= 2, AdamW (0.9, 0.98).")
public final class SimClrCommand implements Runnable {
    // batch 128, min lr 0, weight decay 0.1 (constant), no clipping, AdamW (0.9, 0.98)
    static final SslRunOptions.Recipe RECIPE = new SslRunOptions.Recipe(128, 0, 0.1, null, 0, false, 0.9, 0.98, null);

    @Mixin
    SslRunOptions run;

    @Mixin
    BlurOptions blur;

    @Mixin
    ViewCropOptions crop;

    @Mixin
    LocalCropOptions local;

    @Option(
            names = "--blr",
            defaultValue = "5e-4",
            description = "Base learning rate: lr = blr x batch / 256 unless --lr is given (default ${DEFAULT-VALUE}).")
    double baseLr;

    @Mixin
    SimClrHeadOptions head;

    @Mixin
    MaskedImageOptions maskedImage;

    @Option(
            names = "--color-strength",
            defaultValue = "0.5",
            description = "SimCLR colour-jitter strength s (0.5 in the CIFAR recipe; default ${DEFAULT-VALUE}).")
    double colorStrength;

    @Override
    public void run() {
        LabelledData data = run.load();
        ViTConfig vc = run.backbone(data, RECIPE);
        int batch = run.batch(RECIPE);
        TrainerConfig tc = run.trainerConfig(RECIPE, baseLr, batch);

        Map<String, Object> m = new LinkedHashMap<>();
        SimClrObjective objective = head.objective(vc, maskedImage.modelling(m), run.rng(), m);
        m.put("color_strength", colorStrength);
        RecipeConfig recipe = local.apply(
                crop.apply(blur.apply(RecipeConfig.of(data.imageSize(), data.mean(), data.std())
                        .withSimclrStrength(colorStrength))),
                data.imageSize(),
                vc.patch(),
                m);
        BlurOptions.record(m, recipe);
        ViewCropOptions.record(m, recipe);
        run.train(
                new SslPlan(
                        "simclr",
                        "SimCLR",
                        vc,
                        objective,
                        Recipes.simclrMultiCrop(recipe),
                        tc,
                        batch,
                        m,
                        () -> objective.module().visual.stateDict()),
                data);
    }
}
