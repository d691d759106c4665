package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.eval.session.SslPlan;
import dev.loupe.eval.session.SslRun;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.GradClipMode;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The options every {@code loupe train dino|dinov2|mae|simclr|vicreg|byol|moco} takes (the run, the backbone,
 * the data, the kNN monitor, the training subset), resolved with a method's {@link Recipe} and handed to
 * the library's {@link SslRun}.
 */
public final class SslRunOptions {
    /**
     * A method's defaults for the shared options the user left out.
     *
     * @param batch           images per step
     * @param minLr           final lr of the cosine
     * @param weightDecay     weight decay at the start
     * @param weightDecayEnd  weight decay at the end (null: constant)
     * @param clipGrad        gradient norm limit (0: off)
     * @param perParameterClip whether the limit holds per parameter (DINO's clip_gradients) instead of globally
     * @param beta1           AdamW beta1
     * @param beta2           AdamW beta2
     * @param dropPath        stochastic depth unless --drop-path is given (null: the option's own default)
     */
    public record Recipe(
            int batch,
            double minLr,
            double weightDecay,
            Double weightDecayEnd,
            double clipGrad,
            boolean perParameterClip,
            double beta1,
            double beta2,
            Double dropPath) {}

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

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

    /** Sets the compute threads, then loads --data. */
    public LabelledData load() {
        if (common.threads != null) Parallel.setThreads(common.threads);
        return dataOptions.load();
    }

    /** The backbone's shape for data's images (no head), with the recipe's drop path unless --drop-path is given. */
    public ViTConfig backbone(LabelledData data, Recipe recipe) {
        if (recipe.dropPath() != null && !SslTraining.given(spec, "--drop-path"))
            modelOptions.dropPath = recipe.dropPath();
        return modelOptions.resolve(data.imageSize(), data.channels(), 0);
    }

    /** Images per step: --batch, else the recipe's. */
    public int batch(Recipe recipe) {
        return common.batch(new CommonTrainOptions.Defaults(recipe.batch(), 0, 0, 0, OptimizerKind.ADAMW, 0));
    }

    /**
     * The trainer configuration: DINO's warm-up rule and the recipe's weight decay end where the user gave
     * none, lr = --lr or baseLr x batch / 256, AdamW with the recipe's betas and clipping.
     */
    public TrainerConfig trainerConfig(Recipe recipe, double baseLr, int batch) {
        SslTraining.defaultSchedule(spec, common, recipe.weightDecayEnd());
        TrainerConfig base = common.trainerConfig(new CommonTrainOptions.Defaults(
                recipe.batch(),
                SslTraining.scaledLr(common, baseLr, batch),
                recipe.minLr(),
                recipe.weightDecay(),
                OptimizerKind.ADAMW,
                recipe.clipGrad()));
        GradClipMode clip = !recipe.perParameterClip()
                ? base.clip()
                : base.clipMax() > 0 ? GradClipMode.PER_PARAMETER : GradClipMode.NONE;
        return SslTraining.with(base, clip, base.clipMax(), recipe.beta1(), recipe.beta2());
    }

    /** A fresh generator from --seed, for the objective's initialisation. */
    public Rng rng() {
        return new Rng(common.seed);
    }

    /** Trains the plan on data, then writes the weights and the report (rank 0) and prints a one-line summary. */
    public void train(SslPlan plan, LabelledData data) {
        Map<String, Object> runtime = common.runtime();
        runtime.put("data_dir", dataOptions.dataDir == null ? null : dataOptions.dataDir.toString());
        SslRun.Result r = SslRun.of(plan, data, common.setup(runtime))
                .withTrainLimit(trainLimit.trainLimit)
                .withModel(modelOptions.model)
                .withKnn(knn.settings())
                .withLoader(common.loaderOptions(plan.batch(), true))
                .run();
        if (r.report() == null) return; // ranks other than 0 write and print nothing
        System.out.printf(
                Locale.ROOT,
                "trained %d steps; kNN top-1 %s; weights %s; report %s%n",
                r.outcome().steps(),
                r.knnTop1() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", r.knnTop1()),
                r.weights(),
                r.report());
    }
}
