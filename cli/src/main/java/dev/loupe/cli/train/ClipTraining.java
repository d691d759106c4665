package dev.loupe.cli.train;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.ClipWeights;
import dev.loupe.clip.tokenizer.RunTokenizer;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Batch;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.eval.zeroshot.ClipEvaluation;
import dev.loupe.eval.zeroshot.ClipMonitor;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.RunReport;
import dev.loupe.run.Settings;
import dev.loupe.run.TrainingOutcome;
import dev.loupe.run.TrainingSession;
import dev.loupe.ssl.common.LoaderBatchSource;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * What {@code loupe train clip} and {@code loupe train slip} share: the towers' options, the
 * tokenizer (a released merges file, or BPE trained on the training captions), the optimiser
 * (AdamW, betas (0.9, 0.98), eps 1e-8, cosine after a warm-up of 1 epoch unless one is given), the
 * evaluation during training (zero-shot top-1/top-5 on the test split when it has class names
 * that are words, else image-text retrieval R@1 on its captions), and the outputs:
 * runs/NAME/model.safetensors (open_clip names, head counts in the metadata),
 * runs/NAME/merges.txt.gz and report.md.
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
        Loader train = new Loader(data.train(), method.trainViews(recipe), common.loaderOptions(batch, true));

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
        Map<String, Object> runtime = common.runtime();
        runtime.put("eval_batch", options.evalBatch);

        System.err.printf(
                Locale.ROOT,
                "%s: %s, %s (%,d parameters), %d batches/epoch%n",
                method.name(),
                data.name(),
                config.summary(),
                model.parameterCount(),
                train.batchesPerEpoch());
        ClipMonitor monitor = new ClipMonitor(model, tokenizer, data, templates, options.evalBatch);
        TrainingOutcome outcome = TrainingSession.run(
                dir,
                settings,
                runtime,
                common.resuming(),
                objective,
                new LoaderBatchSource(train),
                tc,
                monitor,
                common.logEvery,
                common.plotEvery,
                System.err,
                common.dataParallel());
        if (!common.dataParallel().isRankZero()) return; // rank 0 writes the results
        Object last = monitor.last();
        try {
            ClipWeights.write(dir.finalModel(), model);
            List<RunReport.Section> sections = new ArrayList<>();
            sections.add(new RunReport.Section(
                    "Model",
                    "open_clip-named weights: [model.safetensors](model.safetensors); BPE merges: "
                            + "[merges.txt.gz](merges.txt.gz). Evaluate with `loupe eval zeroshot --weights "
                            + dir.finalModel() + " --merges "
                            + dir.root().resolve("merges.txt.gz") + " ...`."));
            if (last != null) sections.add(new RunReport.Section("Last evaluation (test split)", String.valueOf(last)));
            RunReport.write(
                    dir,
                    method.name().toUpperCase(Locale.ROOT) + " training: " + data.name(),
                    settings,
                    outcome,
                    sections);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir.root() + ": " + e.getMessage(), e);
        }
        System.out.printf(
                Locale.ROOT,
                "trained %d steps; last evaluation %s; weights %s; report %s%n",
                outcome.steps(),
                last == null ? "n/a" : last,
                dir.finalModel(),
                dir.report());
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
