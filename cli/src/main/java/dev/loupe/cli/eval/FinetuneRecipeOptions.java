package dev.loupe.cli.eval;

import dev.loupe.cli.train.CommonTrainOptions;
import dev.loupe.cli.train.ModelOptions;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eval finetune}'s recipe (MAE's main_finetune.py, small-image version) for the shared options
 * the user left out: batch 128, AdamW at --blr x batch / 256 with min(5, epochs / 10) epochs of warm-up
 * and a cosine to 1e-6, weight decay 0.05, drop path 0.1, and layer-wise lr decay.
 */
public final class FinetuneRecipeOptions {
    static final int BATCH = 128;
    static final double WEIGHT_DECAY = 0.05, MIN_LR = 1e-6, DROP_PATH = 0.1;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--blr",
            defaultValue = "1e-3",
            description = "Base learning rate: lr = blr x batch / 256 unless --lr is given (default ${DEFAULT-VALUE}).")
    double baseLr;

    @Option(
            names = "--layer-decay",
            defaultValue = "0.75",
            description = "Layer-wise lr decay (MAE: 0.75 ViT-B, 0.65 ViT-L; default ${DEFAULT-VALUE}).")
    double layerDecay;

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Stochastic depth: --drop-path if given, else the recipe's 0.1. */
    double dropPath(ModelOptions model) {
        return given("--drop-path") ? model.dropPath : DROP_PATH;
    }

    /** Images per step: --batch, else 128. */
    int batch(CommonTrainOptions common) {
        return common.batch(new CommonTrainOptions.Defaults(BATCH, 0, 0, 0, OptimizerKind.ADAMW, 0));
    }

    /** The trainer configuration with the recipe's warm-up, lr, min lr, weight decay and layer decay. */
    TrainerConfig trainerConfig(CommonTrainOptions common, int batch) {
        if (!given("--warmup-epochs") && !given("--warmup-steps")) {
            common.warmupEpochs = common.epochs == null ? 0 : Math.min(5, common.epochs / 10.0);
        }
        double lr = common.lr != null ? common.lr : baseLr * batch / 256.0;
        TrainerConfig c = common.trainerConfig(
                new CommonTrainOptions.Defaults(BATCH, lr, MIN_LR, WEIGHT_DECAY, OptimizerKind.ADAMW, 0));
        return c.toBuilder().layerDecay(layerDecay).build();
    }
}
