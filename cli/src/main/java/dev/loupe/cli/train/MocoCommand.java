package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.moco.MocoObjective;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe train moco}: MoCo v3 (Chen, Xie, He 2021) on two augmented views (SimCLR's augmentations):
 * a base ViT with a 3-layer projector and a 2-layer predictor contrasts its queries with a momentum
 * encoder's keys, the batch's other images as negatives. The reference's ViT recipe: AdamW (0.9, 0.999),
 * lr 1.5e-4 x batch / 256, weight decay 0.1, temperature 0.2, momentum 0.99 rising to 1 on a cosine, the
 * patch projection frozen at its random init. The base backbone is written at the end.
 */
@Command(
        name = "moco",
        mixinStandardHelpOptions = true,
        description = "Self-supervised MoCo v3 training; writes the backbone and a kNN curve.",
        footer =
                "%nShared options default for moco: --batch 256, --lr = --blr x batch / 256, --min-lr 0, --weight-decay 0.1 (constant), no clipping, --drop-path 0, --warmup-epochs min(10, epochs / 10) and at least 1 when --epochs >= 2, AdamW (0.9, 0.999).")
public final class MocoCommand implements Runnable {
    // batch 256, min lr 0, weight decay 0.1 (constant), no clipping, AdamW (0.9, 0.999)
    static final SslRunOptions.Recipe RECIPE = new SslRunOptions.Recipe(256, 0, 0.1, null, 0, false, 0.9, 0.999, null);

    @Mixin
    SslRunOptions run;

    @Mixin
    SimClrViewOptions views;

    @Option(
            names = "--blr",
            defaultValue = "1.5e-4",
            description =
                    "Base learning rate: lr = blr x batch / 256 unless --lr is given (MoCo v3 ViTs; default ${DEFAULT-VALUE}).")
    double baseLr;

    @Option(
            names = "--proj-hidden",
            defaultValue = "1024",
            description = "Projector and predictor width (MoCo v3 4096; default ${DEFAULT-VALUE}).")
    int projHidden;

    @Option(
            names = "--proj-out",
            defaultValue = "256",
            description = "Query and key width (MoCo v3 256; default ${DEFAULT-VALUE}).")
    int projOut;

    @Option(
            names = "--momentum",
            defaultValue = "0.99",
            description =
                    "Momentum encoder's EMA momentum at step 0, rising to 1 on a cosine (MoCo v3 ViTs; default ${DEFAULT-VALUE}).")
    double momentum;

    @Option(
            names = "--temperature",
            defaultValue = "0.2",
            description = "Contrastive temperature (MoCo v3 ViTs; default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(
            names = "--freeze-patch-embed",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Keep the patch embedding (with --conv-stem, the whole stem) at its random init, MoCo v3's --stop-grad-conv1 for ViTs (--no-freeze-patch-embed: train it; default ${DEFAULT-VALUE}).")
    boolean freezePatchEmbed;

    @Override
    public void run() {
        LabelledData data = run.load();
        ViTConfig vc = run.backbone(data, RECIPE);
        int batch = run.batch(RECIPE);
        TrainerConfig tc = run.trainerConfig(RECIPE, baseLr, batch);

        MocoObjective objective =
                new MocoObjective(vc, projHidden, projOut, momentum, temperature, freezePatchEmbed, run.rng());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proj_hidden", projHidden);
        m.put("proj_out", projOut);
        m.put("momentum_base", momentum);
        m.put("temperature", temperature);
        m.put("freeze_patch_embed", freezePatchEmbed);
        RecipeConfig recipe = views.recipe(data, m);
        run.train(
                new SslPlan(
                        "moco",
                        "MoCo v3",
                        vc,
                        objective,
                        Recipes.simclr(recipe),
                        tc,
                        batch,
                        m,
                        objective::baseBackboneStateDict),
                data);
    }
}
