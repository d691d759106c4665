package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.mae.MaeConfig;
import dev.loupe.ssl.mae.MaeObjective;
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
    static final double WEIGHT_DECAY = 0.05, BETA1 = 0.9, BETA2 = 0.95;
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
        if (common.threads != null) Parallel.setThreads(common.threads);
        LabelledData data = dataOptions.load();
        ViTConfig vc = modelOptions.resolve(data.imageSize(), data.channels(), 0);
        int batch = common.batch(new CommonTrainOptions.Defaults(BATCH, 0, 0, 0, OptimizerKind.ADAMW, 0));
        SslTraining.defaultSchedule(spec, common, SslTraining.dinoWarmupEpochs(common), null);
        TrainerConfig base = common.trainerConfig(new CommonTrainOptions.Defaults(
                BATCH, SslTraining.scaledLr(common, baseLr, batch), 0, WEIGHT_DECAY, OptimizerKind.ADAMW, 0));
        TrainerConfig tc = SslTraining.with(base, base.clip(), base.clipMax(), BETA1, BETA2);

        MaeConfig cfg = new MaeConfig(vc, decoderDim, decoderDepth, decoderHeads, maskRatio, normPix);
        MaeObjective mae = new MaeObjective(cfg, new Rng(common.seed));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mask_ratio", maskRatio);
        m.put("decoder_dim", decoderDim);
        m.put("decoder_depth", decoderDepth);
        m.put("decoder_heads", decoderHeads);
        m.put("norm_pix", normPix);
        RecipeConfig recipe = RecipeConfig.of(data.imageSize(), data.mean(), data.std());
        SslTraining.run(
                new SslTraining.Plan("mae", "MAE", vc, mae, Recipes.mae(recipe), tc, batch, m, () -> mae.module()
                        .encoderStateDict()),
                common,
                modelOptions,
                dataOptions,
                data,
                knn,
                trainLimit.trainLimit);
    }
}
