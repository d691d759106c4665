package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.byol.ByolObjective;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
    // batch 128, min lr 0, weight decay 0.05 (constant), no clipping, AdamW (0.9, 0.999)
    static final SslRunOptions.Recipe RECIPE = new SslRunOptions.Recipe(128, 0, 0.05, null, 0, false, 0.9, 0.999, null);

    @Mixin
    SslRunOptions run;

    @Mixin
    SimClrViewOptions views;

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

    @Override
    public void run() {
        LabelledData data = run.load();
        ViTConfig vc = run.backbone(data, RECIPE);
        int batch = run.batch(RECIPE);
        TrainerConfig tc = run.trainerConfig(RECIPE, baseLr, batch);

        ByolObjective objective = new ByolObjective(vc, projHidden, projOut, momentum, run.rng());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proj_hidden", projHidden);
        m.put("proj_out", projOut);
        m.put("target_momentum_base", momentum);
        RecipeConfig recipe = views.recipe(data, m);
        run.train(
                new SslPlan(
                        "byol",
                        "BYOL",
                        vc,
                        objective,
                        Recipes.simclr(recipe),
                        tc,
                        batch,
                        m,
                        objective::onlineBackboneStateDict),
                data);
    }
}
