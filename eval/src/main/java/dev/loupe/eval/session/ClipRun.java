package dev.loupe.eval.session;

import dev.loupe.clip.ClipWeights;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.eval.zeroshot.ClipMonitor;
import dev.loupe.eval.zeroshot.Templates;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.RunReport;
import dev.loupe.run.Settings;
import dev.loupe.run.TrainingOutcome;
import dev.loupe.ssl.common.LoaderBatchSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An image-text training run in a run folder, what {@code loupe train clip|slip} does: trains {@link ClipPlan}
 * on data's training split (on the CPU) with a {@link ClipMonitor} (zero-shot top-1/top-5 on the test split
 * when its class names are words, else image-text retrieval R@1 on its captions), then, on rank 0, writes
 * <ul>
 *   <li>FOLDER/config.json: {@link #settings} and runtime (the setup's entries, then eval_batch);
 *   <li>FOLDER/metrics.jsonl, checkpoints/ and plots/ as {@link TrainingSession} writes them;
 *   <li>FOLDER/model.safetensors: the model under open_clip names, head counts in the metadata
 *       ({@link ClipWeights});
 *   <li>FOLDER/report.md, titled "METHOD training: DATA", with a "Model" section pointing at the weights and at
 *       FOLDER/merges.txt.gz (where {@code RunTokenizer.open} keeps the run's BPE merges; this class does not
 *       write them) and the last evaluation's full result.
 * </ul>
 * The header line (method, data, model summary, parameters, batches per epoch) and progress go to the setup's
 * log; nothing goes to stdout.
 *
 * @param plan       what to train
 * @param data       the captioned data set
 * @param setup      the run folder, data parallel and progress (the device is not used: CLIP trains on the CPU)
 * @param settings   config.json's settings: what a resumed run must repeat
 * @param templates  the zero-shot prompts, each with {} for the class name
 * @param evalBatch  images per forward pass of the evaluations
 * @param loader     the training loader's options; null: shuffled, last partial batch dropped, seeded with
 *                   the trainer's seed, this rank's shard of each batch
 */
public record ClipRun(
        ClipPlan plan,
        LabelledData data,
        RunSetup setup,
        Map<String, Object> settings,
        List<String> templates,
        int evalBatch,
        LoaderOptions loader) {
    public ClipRun {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(templates, "templates");
    }

    /**
     * plan on data with settings method, data, vocab, batch and the trainer's; the simple prompt templates;
     * 256 images per evaluation batch; the default loader.
     */
    public static ClipRun of(ClipPlan plan, LabelledData data, RunSetup setup) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", plan.method());
        settings.put("data", data.name());
        settings.put("vocab", plan.tokenizer().vocabSize());
        settings.putAll(Settings.of(Map.of("batch", plan.batch()), plan.config()));
        return new ClipRun(plan, data, setup, settings, Templates.SIMPLE, 256, null);
    }

    public ClipRun withSettings(Map<String, Object> settings) {
        return new ClipRun(plan, data, setup, settings, templates, evalBatch, loader);
    }

    public ClipRun withTemplates(List<String> templates) {
        return new ClipRun(plan, data, setup, settings, templates, evalBatch, loader);
    }

    public ClipRun withEvalBatch(int evalBatch) {
        return new ClipRun(plan, data, setup, settings, templates, evalBatch, loader);
    }

    public ClipRun withLoader(LoaderOptions loader) {
        return new ClipRun(plan, data, setup, settings, templates, evalBatch, loader);
    }

    /**
     * What the run did.
     *
     * @param outcome        steps, last metrics, time
     * @param lastEvaluation the last evaluation's full result (a ZeroShotResult or a RetrievalResult, whose
     *                       toString is the summary); null when the run never evaluated
     * @param weights        model.safetensors; null on ranks other than 0, which write nothing
     * @param report         report.md; null on ranks other than 0
     */
    public record Result(TrainingOutcome outcome, Object lastEvaluation, Path weights, Path report) {}

    /** Trains, then (rank 0) writes the weights and the report; see the class comment for what goes where. */
    public Result run() {
        Loader train = new Loader(data.train(), plan.views(), loaderOptions());
        Map<String, Object> runtime = new LinkedHashMap<>(setup.runtime());
        runtime.put("eval_batch", evalBatch);
        RunDirectory dir = new RunDirectory(setup.folder());
        setup.log()
                .printf(
                        Locale.ROOT,
                        "%s: %s, %s (%,d parameters), %d batches/epoch%n",
                        plan.method(),
                        data.name(),
                        plan.model().config().summary(),
                        plan.model().parameterCount(),
                        train.batchesPerEpoch());
        ClipMonitor monitor = new ClipMonitor(plan.model(), plan.tokenizer(), data, templates, evalBatch);
        TrainingOutcome outcome = setup.train(
                dir, settings, runtime, plan.objective(), new LoaderBatchSource(train), plan.config(), monitor);
        Object last = monitor.last();
        if (!setup.dist().isRankZero()) return new Result(outcome, last, null, null); // rank 0 writes the results
        try {
            ClipWeights.write(dir.finalModel(), plan.model());
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
                    plan.method().toUpperCase(Locale.ROOT) + " training: " + data.name(),
                    settings,
                    outcome,
                    sections);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir.root() + ": " + e.getMessage(), e);
        }
        return new Result(outcome, last, dir.finalModel(), dir.report());
    }

    /** The training loader's options: {@link #loader} or the default for the setup's rank. */
    public LoaderOptions loaderOptions() {
        if (loader != null) return loader;
        return setup.trainLoader(plan.batch(), plan.config().seed());
    }
}
