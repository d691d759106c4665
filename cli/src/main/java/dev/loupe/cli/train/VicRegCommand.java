package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.vicreg.VicRegLoss;
import dev.loupe.ssl.vicreg.VicRegObjective;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe train vicreg}: VICReg (invariance, variance, covariance; Bardes et al. 2022) between two
 * augmented views (SimCLR's augmentations) through a ViT and a BN expander. The paper trains ResNets
 * with LARS; for the ViT this uses AdamW (0.9, 0.999, weight decay 0.05) at 5e-4 x batch / 256 with
 * warm-up and a cosine to 0. The backbone is written at the end.
 */
@Command(
        name = "vicreg",
        mixinStandardHelpOptions = true,
        description = "Self-supervised VICReg training; writes the backbone and a kNN curve.",
        footer =
                "%nShared options default for vicreg: --batch 128, --lr = --blr x batch / 256, --min-lr 0, --weight-decay 0.05 (constant), no clipping, --drop-path 0, --warmup-epochs min(10, epochs / 10) and at least 1 when --epochs >= 2, AdamW (0.9, 0.999).")
public final class VicRegCommand implements Runnable {
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
            names = "--expander-hidden",
            defaultValue = "1024",
            description = "Expander width (paper 8192; default ${DEFAULT-VALUE}).")
    int expanderHidden;

    @Option(
            names = "--expander-out",
            defaultValue = "1024",
            description = "Embedding width the loss sees (paper 8192; default ${DEFAULT-VALUE}).")
    int expanderOut;

    @Option(
            names = "--invariance-weight",
            defaultValue = "25",
            description = "Weight of the invariance (MSE) term, the paper's lambda (default ${DEFAULT-VALUE}).")
    double invarianceWeight;

    @Option(
            names = "--variance-weight",
            defaultValue = "25",
            description = "Weight of the variance (std hinge) term, the paper's mu (default ${DEFAULT-VALUE}).")
    double varianceWeight;

    @Option(
            names = "--covariance-weight",
            defaultValue = "1",
            description = "Weight of the covariance term, the paper's nu (default ${DEFAULT-VALUE}).")
    double covarianceWeight;

    @Override
    public void run() {
        LabelledData data = run.load();
        ViTConfig vc = run.backbone(data, RECIPE);
        int batch = run.batch(RECIPE);
        TrainerConfig tc = run.trainerConfig(RECIPE, baseLr, batch);

        VicRegLoss.Weights weights = new VicRegLoss.Weights(invarianceWeight, varianceWeight, covarianceWeight);
        VicRegObjective objective = new VicRegObjective(vc, expanderHidden, expanderOut, weights, run.rng());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expander_hidden", expanderHidden);
        m.put("expander_out", expanderOut);
        m.put("invariance_weight", invarianceWeight);
        m.put("variance_weight", varianceWeight);
        m.put("covariance_weight", covarianceWeight);
        RecipeConfig recipe = views.recipe(data, m);
        run.train(
                new SslPlan("vicreg", "VICReg", vc, objective, Recipes.simclr(recipe), tc, batch, m, () -> objective
                        .module()
                        .backbone
                        .stateDict()),
                data);
    }
}
