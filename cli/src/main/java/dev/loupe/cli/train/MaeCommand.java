package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.mae.MaeConfig;
import dev.loupe.ssl.mae.MaeObjective;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe train mae}: masked autoencoding (main_pretrain.py) with a decoder sized for small
 * images (128 wide, 2 blocks, 4 heads): 75% of the patches removed, normalised-pixel loss, AdamW
 * (0.9, 0.95) at 1.5e-4 x batch / 256 with warm-up and a cosine to 0, weight decay 0.05, no
 * clipping, no drop path, RandomResizedCrop(0.2, 1) + flip. The masking noise is drawn per step from
 * (seed, step), so --resume is exact. The encoder is written as the backbone.
 */
@Command(
        name = "mae",
        mixinStandardHelpOptions = true,
        description = "Self-supervised masked-autoencoder training; writes the encoder and a kNN curve.",
        footer =
                "%nShared options default for mae: --batch 128, --lr = --blr x batch / 256, --min-lr 0, --weight-decay 0.05 (constant), no clipping, --drop-path 0, --warmup-epochs min(10, epochs / 10) and at least 1 when --epochs >= 2, AdamW (0.9, 0.95).")
public final class MaeCommand implements Runnable {
    // batch 128, min lr 0, weight decay 0.05 (constant), no clipping, AdamW (0.9, 0.95)
    static final SslRunOptions.Recipe RECIPE = new SslRunOptions.Recipe(128, 0, 0.05, null, 0, false, 0.9, 0.95, null);

    @Mixin
    SslRunOptions run;

    @Option(
            names = "--blr",
            defaultValue = "1.5e-4",
            description = "Base learning rate: lr = blr x batch / 256 unless --lr is given (default ${DEFAULT-VALUE}).")
    double baseLr;

    @Option(
            names = "--mask-ratio",
            defaultValue = "0.75",
            description = "Share of patches removed (default ${DEFAULT-VALUE}).")
    double maskRatio;

    @Option(
            names = "--decoder-dim",
            defaultValue = "128",
            description = "Decoder width (paper 512; default ${DEFAULT-VALUE}).")
    int decoderDim;

    @Option(
            names = "--decoder-depth",
            defaultValue = "2",
            description = "Decoder blocks (paper 8; default ${DEFAULT-VALUE}).")
    int decoderDepth;

    @Option(
            names = "--decoder-heads",
            defaultValue = "4",
            description = "Decoder heads (paper 16; default ${DEFAULT-VALUE}).")
    int decoderHeads;

    @Option(
            names = "--norm-pix",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Per-patch normalised pixel targets (--no-norm-pix: raw pixels; default ${DEFAULT-VALUE}).")
    boolean normPix;

    @Override
    public void run() {
        LabelledData data = run.load();
        ViTConfig vc = run.backbone(data, RECIPE);
        int batch = run.batch(RECIPE);
        TrainerConfig tc = run.trainerConfig(RECIPE, baseLr, batch);

        MaeConfig cfg = new MaeConfig(vc, decoderDim, decoderDepth, decoderHeads, maskRatio, normPix);
        MaeObjective mae = new MaeObjective(cfg, run.rng());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mask_ratio", maskRatio);
        m.put("decoder_dim", decoderDim);
        m.put("decoder_depth", decoderDepth);
        m.put("decoder_heads", decoderHeads);
        m.put("norm_pix", normPix);
        RecipeConfig recipe = RecipeConfig.of(data.imageSize(), data.mean(), data.std());
        run.train(
                new SslPlan("mae", "MAE", vc, mae, Recipes.mae(recipe), tc, batch, m, () -> mae.module()
                        .encoderStateDict()),
                data);
    }
}
