package dev.loupe.cli.train;

import dev.loupe.cli.eval.ClipEvaluation;
import dev.loupe.cli.eval.ClipWeights;
import dev.loupe.cli.run.RunDirectory;
import dev.loupe.cli.run.RunReport;
import dev.loupe.cli.run.TrainingOutcome;
import dev.loupe.cli.run.TrainingSession;
import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.tokenizer.BpeTrainer;
import dev.loupe.clip.tokenizer.MergesFile;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.data.Dataset;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.shapes.CaptionWriter;
import dev.loupe.data.shapes.CaptionedShapes;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Transform;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.eval.retrieval.RetrievalResult;
import dev.loupe.eval.zeroshot.ZeroShotResult;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    /** The towers, tokenizer and evaluation options; small defaults that train in minutes on 32 px shapes. */
    public static final class Options {
        @Option(names = "--vision-patch", defaultValue = "4", description = "Image tower patch side (default ${DEFAULT-VALUE}).")
        public int visionPatch;

        @Option(names = "--vision-width", defaultValue = "128", description = "Image tower width (default ${DEFAULT-VALUE}).")
        public int visionWidth;

        @Option(names = "--vision-layers", defaultValue = "4", description = "Image tower blocks (default ${DEFAULT-VALUE}).")
        public int visionLayers;

        @Option(names = "--vision-heads", defaultValue = "4", description = "Image tower heads (default ${DEFAULT-VALUE}).")
        public int visionHeads;

        @Option(names = "--text-width", defaultValue = "128", description = "Text tower width (default ${DEFAULT-VALUE}).")
        public int textWidth;

        @Option(names = "--text-layers", defaultValue = "3", description = "Text tower blocks (default ${DEFAULT-VALUE}).")
        public int textLayers;

        @Option(names = "--text-heads", defaultValue = "4", description = "Text tower heads (default ${DEFAULT-VALUE}).")
        public int textHeads;

        @Option(names = "--context", defaultValue = "32", description = "Text context length in tokens (default ${DEFAULT-VALUE}).")
        public int context;

        @Option(names = "--embed-dim", defaultValue = "128", description = "Shared embedding size (default ${DEFAULT-VALUE}).")
        public int embedDim;

        @Option(names = "--merges", description = "BPE merges file (CLIP's bpe_simple_vocab_16e6.txt.gz); default: BPE trained on the training captions.")
        public Path merges;

        @Option(names = "--vocab-size", defaultValue = "1000", description = "Vocabulary of the BPE trained on the captions, without --merges (default ${DEFAULT-VALUE}).")
        public int vocabSize;

        @Option(names = "--templates", defaultValue = "simple", description = "Zero-shot prompts during training: simple, openai, shapes (the shapes caption openings) or a file (default ${DEFAULT-VALUE}).")
        public String templates;

        @Option(names = "--eval-batch", defaultValue = "256", description = "Batch size of the evaluations (default ${DEFAULT-VALUE}).")
        public int evalBatch;

        ClipConfig config(int imageSize, int vocab) {
            return new ClipConfig(new ClipVisionConfig(imageSize, visionPatch, visionWidth, visionLayers, visionHeads, embedDim),
                    new TextConfig(vocab, context, textWidth, textLayers, textHeads, embedDim));
        }
    }

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
    public static void run(Method method, CommonTrainOptions common, DataOptions dataOptions, Options options,
                           CommandLine.Model.CommandSpec spec) {
        if (common.threads != null) Parallel.setThreads(common.threads);
        DataOptions.LabelledData data = dataOptions.load().requireCaptions(method.name().toUpperCase(Locale.ROOT) + " training");
        if (data.channels() != 3) throw new IllegalArgumentException(method.name() + " needs RGB images, but " + data.name() + " has " + data.channels() + " channel(s)");
        RunDirectory dir = new RunDirectory(common.runFolder());
        Tokenizer tokenizer = tokenizer(options, data.train(), dir, common.resuming(), common.dataParallel().isRankZero());
        ClipConfig config = options.config(data.imageSize(), tokenizer.vocabSize());
        int batch = common.batch(method.defaults());
        TrainerConfig tc = adjust(common.trainerConfig(method.defaults()), spec);
        List<String> templates = ClipEvaluation.templates(options.templates);

        ClipModel model = method.model(config, new Rng(common.seed));
        Objective<Batch> objective = method.objective(model, tokenizer);
        RecipeConfig recipe = RecipeConfig.of(data.imageSize(), data.mean(), data.std());
        Loader train = new Loader(data.train(), method.trainViews(recipe), common.loaderOptions(batch, true));
        Transform evalTransform = ClipEvaluation.evalTransform(data);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", method.name());
        settings.putAll(dataSettings(dataOptions, data));
        settings.putAll(towerSettings(config));
        settings.put("tokenizer", options.merges != null ? "merges file " + options.merges.getFileName() : "bpe on training captions");
        settings.put("vocab", tokenizer.vocabSize());
        settings.putAll(method.settings());
        settings.put("templates", options.templates);
        settings.putAll(CommonTrainOptions.settingsOf(tc, batch));
        Map<String, Object> runtime = common.runtime();
        runtime.put("eval_batch", options.evalBatch);

        System.err.printf(Locale.ROOT, "%s: %s, vision %dpx/%d w%d l%d h%d, text ctx %d w%d l%d h%d, vocab %d, embed %d (%,d parameters), %d batches/epoch%n",
                method.name(), data.name(), config.vision().imageSize(), config.vision().patch(), config.vision().width(), config.vision().layers(),
                config.vision().heads(), config.text().ctx(), config.text().width(), config.text().layers(), config.text().heads(),
                config.text().vocab(), config.embedDim(), model.parameterCount(), train.batchesPerEpoch());
        // zero-shot needs class names that are words: webdataset .cls labels are only numbers
        boolean zeroShot = data.labelled() && !data.classNames().stream().allMatch(n -> n.chars().allMatch(Character::isDigit));
        Object[] last = new Object[1];
        TrainingOutcome outcome = TrainingSession.run(dir, settings, runtime, common.resuming(), objective, new LoaderBatchSource(train), tc,
                (step, epoch) -> {
                    if (zeroShot) {
                        ZeroShotResult r = ClipEvaluation.zeroShot(model, tokenizer, data.test(), evalTransform, data.classNames(), templates, options.evalBatch);
                        last[0] = r;
                        return Map.of("zeroshot_top1", r.top1(), "zeroshot_top5", r.top5());
                    }
                    RetrievalResult r = ClipEvaluation.retrieval(model, tokenizer, data.test(), evalTransform, options.evalBatch);
                    last[0] = r;
                    return Map.of("image_to_text_r1", r.imageToTextR1(), "text_to_image_r1", r.textToImageR1());
                }, common.logEvery, common.plotEvery, System.err, common.dataParallel());
        if (!common.dataParallel().isRankZero()) return; // rank 0 writes the results
        try {
            ClipWeights.write(dir.finalModel(), model);
            List<RunReport.Section> sections = new ArrayList<>();
            sections.add(new RunReport.Section("Model", "open_clip-named weights: [model.safetensors](model.safetensors); BPE merges: "
                    + "[merges.txt.gz](merges.txt.gz). Evaluate with `loupe eval zeroshot --weights " + dir.finalModel() + " --merges "
                    + dir.root().resolve("merges.txt.gz") + " ...`."));
            if (last[0] != null) sections.add(new RunReport.Section("Last evaluation (test split)", String.valueOf(last[0])));
            RunReport.write(dir, method.name().toUpperCase(Locale.ROOT) + " training: " + data.name(), settings, outcome, sections);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir.root() + ": " + e.getMessage(), e);
        }
        System.out.printf(Locale.ROOT, "trained %d steps; last evaluation %s; weights %s; report %s%n", outcome.steps(),
                last[0] == null ? "n/a" : last[0], dir.finalModel(), dir.report());
    }

    /** CLIP's AdamW betas and epsilon; a warm-up of 1 epoch unless --warmup-epochs or --warmup-steps was given. */
    static TrainerConfig adjust(TrainerConfig c, CommandLine.Model.CommandSpec spec) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        boolean warmupGiven = parsed.hasMatchedOption("--warmup-epochs") || parsed.hasMatchedOption("--warmup-steps");
        double warmupEpochs = warmupGiven ? c.warmupEpochs() : 1.0;
        return new TrainerConfig(c.epochs(), c.maxSteps(), c.lr(), c.minLr(), c.warmupSteps(), warmupEpochs, c.weightDecay(),
                c.weightDecayEnd(), c.optimizer(), BETA1, BETA2, EPS, c.momentum(), c.clip(), c.clipMax(), c.layerDecay(),
                c.checkpointEvery(), c.keepCheckpoints(), c.evalEvery(), c.seed());
    }

    /**
     * The tokenizer of the run, saved to runs/NAME/merges.txt.gz: the given merges file, or BPE merges
     * trained on the training captions (deterministic; a resumed run reads the saved file).
     */
    static Tokenizer tokenizer(Options options, Dataset train, RunDirectory dir, boolean resume, boolean writes) {
        Path saved = dir.root().resolve("merges.txt.gz");
        try {
            if (options.merges != null) {
                Tokenizer t = Tokenizer.load(options.merges);
                if (writes && (!dir.holdsRun() || resume)) {
                    Files.createDirectories(dir.root());
                    Files.copy(options.merges, saved, StandardCopyOption.REPLACE_EXISTING);
                }
                return t;
            }
            if (resume && Files.isRegularFile(saved)) return new Tokenizer(MergesFile.read(saved, Integer.MAX_VALUE));
            BpeTrainer bpe = new BpeTrainer();
            for (int i = 0; i < train.size(); i++) {
                String caption = train instanceof CaptionedShapes shapes ? CaptionWriter.caption(shapes.scene(i)) : train.get(i).caption();
                if (caption != null) bpe.add(caption);
            }
            var merges = bpe.train(options.vocabSize);
            if (writes && (!dir.holdsRun() || resume)) MergesFile.write(saved, merges);
            return new Tokenizer(merges);
        } catch (IOException e) {
            throw new UncheckedIOException("tokenizer: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> dataSettings(DataOptions o, DataOptions.LabelledData data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", o.data);
        if (o.data.equalsIgnoreCase("shapes")) {
            m.put("shapes_train", o.shapesTrain);
            m.put("shapes_test", o.shapesTest);
            m.put("shapes_size", o.shapesSize);
            m.put("shapes_seed", Long.toString(o.shapesSeed));
        } else {
            m.put("test_data", o.testData);
            m.put("test_fraction", o.testData == null ? o.testFraction : null);
        }
        m.put("image_size", data.imageSize());
        return m;
    }

    private static Map<String, Object> towerSettings(ClipConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vision_patch", c.vision().patch());
        m.put("vision_width", c.vision().width());
        m.put("vision_layers", c.vision().layers());
        m.put("vision_heads", c.vision().heads());
        m.put("text_context", c.text().ctx());
        m.put("text_width", c.text().width());
        m.put("text_layers", c.text().layers());
        m.put("text_heads", c.text().heads());
        m.put("embed_dim", c.embedDim());
        return m;
    }
}
