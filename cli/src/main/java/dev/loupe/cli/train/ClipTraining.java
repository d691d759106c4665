package dev.loupe.cli.train;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.tokenizer.RunTokenizer;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Batch;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.eval.session.ClipPlan;
import dev.loupe.eval.session.ClipRun;
import dev.loupe.eval.zeroshot.ClipEvaluation;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.Settings;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * What {@code loupe train clip} and {@code loupe train slip} share in option handling: the towers' options,
 * the tokenizer (a released merges file, or BPE trained on the training captions, kept as
 * runs/NAME/merges.txt.gz), the optimiser (AdamW, betas (0.9, 0.98), eps 1e-8, cosine after a warm-up of
 * 1 epoch unless one is given) and config.json's settings. The run itself (the zero-shot or retrieval
 * evaluation, model.safetensors, report.md) is the library's {@link ClipRun}.
 */
public final class ClipTraining {
    private ClipTraining() {}

    /** What distinguishes a method: its model, objective, training views and extra settings. */
    public interface Method {
        String name();

        CommonTrainOptions.Defaults defaults();

        ClipModel model(ClipConfig config, Rng rng);

        Objective<Batch> objective(ClipModel model, Tokenizer tokenizer);

        /** The training views of one image (view 0 is the CLIP view). */
        ViewTransform trainViews(RecipeConfig recipe);

        Map<String, Object> settings();
    }

    /** AdamW's betas and epsilon for CLIP/SLIP (SLIP's main.py). */
    public static final double BETA1 = 0.9, BETA2 = 0.98, EPS = 1e-8;

    /** Trains method; {@code spec} tells which options were given on the command line. */
    public static void run(
            Method method,
            CommonTrainOptions common,
            DataOptions dataOptions,
            ClipTowerOptions options,
            CommandLine.Model.CommandSpec spec) {
        if (common.threads != null) Parallel.setThreads(common.threads);
        if (!common.device().equals(Device.CPU)) {
            // the zero-shot and retrieval evaluations still run their batches on the host
            throw new IllegalArgumentException(
                    "--device " + common.device + ": " + method.name() + " training runs on the cpu only for now");
        }
        LabelledData data = dataOptions.load().requireCaptions(method.name().toUpperCase(Locale.ROOT) + " training");
        if (data.channels() != 3)
            throw new IllegalArgumentException(method.name() + " needs RGB images, but " + data.name() + " has "
                    + data.channels() + " channel(s)");
        RunDirectory dir = new RunDirectory(common.runFolder());
        Tokenizer tokenizer = RunTokenizer.open(
                options.merges,
                options.vocabSize,
                data.train(),
                dir.root().resolve("merges.txt.gz"),
                common.resuming(),
                common.dataParallel().isRankZero() && (!dir.holdsRun() || common.resuming()),
                BadSamplePolicy.parse(common.onBadSample));
        ClipConfig config = options.config(data.imageSize(), tokenizer.vocabSize());
        int batch = common.batch(method.defaults());
        TrainerConfig tc = adjust(common.trainerConfig(method.defaults()), spec);
        List<String> templates = ClipEvaluation.templates(options.templates);

        ClipModel model = method.model(config, new Rng(common.seed));
        Objective<Batch> objective = method.objective(model, tokenizer);
        RecipeConfig recipe = RecipeConfig.of(data.imageSize(), data.mean(), data.std());

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", method.name());
        settings.putAll(dataOptions.settings(data));
        settings.putAll(Settings.of(new TowerSettings(config.vision(), config.text())));
        settings.put(
                "tokenizer",
                options.merges != null ? "merges file " + options.merges.getFileName() : "bpe on training captions");
        settings.put("vocab", tokenizer.vocabSize());
        settings.putAll(method.settings());
        settings.put("templates", options.templates);
        settings.putAll(Settings.of(Map.of("batch", batch), tc));

        ClipPlan plan = new ClipPlan(method.name(), model, tokenizer, objective, method.trainViews(recipe), tc, batch);
        ClipRun.Result r = new ClipRun(
                        plan,
                        data,
                        common.setup(common.runtime()),
                        settings,
                        templates,
                        options.evalBatch,
                        common.loaderOptions(batch, true))
                .run();
        if (r.report() == null) return; // ranks other than 0 write and print nothing
        System.out.printf(
                Locale.ROOT,
                "trained %d steps; last evaluation %s; weights %s; report %s%n",
                r.outcome().steps(),
                r.lastEvaluation() == null ? "n/a" : r.lastEvaluation(),
                r.weights(),
                r.report());
    }

    /** CLIP's AdamW betas and epsilon; a warm-up of 1 epoch unless --warmup-epochs or --warmup-steps was given. */
    static TrainerConfig adjust(TrainerConfig c, CommandLine.Model.CommandSpec spec) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        boolean warmupGiven = parsed.hasMatchedOption("--warmup-epochs") || parsed.hasMatchedOption("--warmup-steps");
        double warmupEpochs = warmupGiven ? c.warmupEpochs() : 1.0;
        return c.toBuilder()
                .warmupEpochs(warmupEpochs)
                .betas(BETA1, BETA2)
                .eps(EPS)
                .build();
    }

    /** Both towers' shapes as config.json records them, vision_* and text_*. */
    record TowerSettings(
            @JsonUnwrapped(prefix = "vision_") ClipVisionConfig vision,
            @JsonUnwrapped(prefix = "text_") TextConfig text) {}
}
