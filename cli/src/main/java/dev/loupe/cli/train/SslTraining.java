package dev.loupe.cli.train;

import dev.loupe.nn.train.GradClipMode;
import dev.loupe.nn.train.TrainerConfig;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code loupe train dino|dinov2|mae|simclr|vicreg|byol|moco} share in option handling: method defaults for
 * options the user left out. The run itself (kNN monitor, run folder, weights, report) is the library's
 * {@link dev.loupe.eval.session.SslRun}.
 */
final class SslTraining {
    private SslTraining() {}

    /** Whether the user gave {@code option} on the command line. */
    static boolean given(CommandSpec spec, String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Fills the schedule options the user left out with a method's defaults: the warm-up, the weight decay's end. */
    static void defaultSchedule(CommandSpec spec, CommonTrainOptions common, Double weightDecayEnd) {
        if (!given(spec, "--warmup-epochs") && !given(spec, "--warmup-steps")) defaultWarmup(common);
        if (common.weightDecayEnd == null && weightDecayEnd != null) common.weightDecayEnd = weightDecayEnd;
    }

    /**
     * DINO's warm-up rule, for every method here: 10 epochs, at most a tenth of the run (at least 1 epoch when
     * the run has several); a run budgeted in --max-steps alone warms up over its first tenth of steps.
     */
    static void defaultWarmup(CommonTrainOptions common) {
        if (common.epochs != null) {
            common.warmupEpochs = Math.min(10, Math.max(common.epochs >= 2 ? 1 : 0, common.epochs / 10));
        } else if (common.maxSteps != null) {
            common.warmupSteps = common.maxSteps / 10;
        }
    }

    /** The learning rate: --lr as given, else base * batch / 256 (the references' linear scaling rule). */
    static double scaledLr(CommonTrainOptions common, double baseLr, int batch) {
        if (common.lr != null) return common.lr;
        if (!(baseLr > 0)) throw new IllegalArgumentException("--blr must be > 0, got " + baseLr);
        return baseLr * batch / 256.0;
    }

    /** A {min, max} option such as --global-scale 0.4,1.0. */
    static double[] range(double[] v, String option) {
        if (v == null || v.length != 2)
            throw new IllegalArgumentException(option + " needs two comma-separated values min,max");
        return v;
    }

    /** {@code c} with other clipping and AdamW betas. */
    static TrainerConfig with(TrainerConfig c, GradClipMode clip, double clipMax, double beta1, double beta2) {
        return c.toBuilder().betas(beta1, beta2).clip(clip, clipMax).build();
    }
}
