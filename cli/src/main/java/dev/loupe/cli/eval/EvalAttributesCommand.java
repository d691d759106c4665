package dev.loupe.cli.eval;

import dev.loupe.clip.ClipModel;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.eval.attributes.AttributeTable;
import dev.loupe.eval.attributes.ProbeSettings;
import dev.loupe.eval.attributes.Representation;
import dev.loupe.eval.attributes.ShapesBenchmark;
import dev.loupe.eval.attributes.ShapesProbes;
import dev.loupe.eval.features.EvalFeatures;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.eval.zeroshot.ClipEvaluation;
import dev.loupe.eval.zeroshot.TextEncoder;
import dev.loupe.run.RunDirectory;
import dev.loupe.tensor.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval attributes}: the captioned-shapes attribute benchmark ({@link ShapesProbes}) of a
 * backbone ({@code --weights FILE}, {@code raw} or {@code random}) or, with {@code --merges}, of CLIP/SLIP
 * weights (image embeddings, plus zero-shot, retrieval and caption binding through the text tower).
 * Writes DIR/attributes.json and DIR/attributes.md.
 */
@Command(
        name = "attributes",
        mixinStandardHelpOptions = true,
        description =
                "Linear, kNN (and for CLIP/SLIP zero-shot and retrieval) probes of shape, colour, size, position, count and binding on captioned shapes.")
public final class EvalAttributesCommand implements Runnable {
    @Mixin
    BackboneOptions backbone;

    @Option(
            names = "--merges",
            description = "With CLIP/SLIP weights: the BPE merges they were trained with; adds the language probes.")
    Path merges;

    @Option(
            names = "--features",
            defaultValue = "cls",
            description =
                    "Backbone features: cls, mean, cls+mean or lastN (default ${DEFAULT-VALUE}; CLIP/SLIP: always the image embedding).")
    String features;

    @Option(
            names = "--shapes-size",
            defaultValue = "32",
            description = "Image side in pixels, as the weights were trained on (default ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = "--shapes-train",
            defaultValue = "5000",
            description = "TRAIN images the probes are fitted on (default ${DEFAULT-VALUE}).")
    int train;

    @Option(
            names = "--shapes-test",
            defaultValue = "1000",
            description =
                    "Images per test split: test-seen, test (held-out pairs), binding (default ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--shapes-seed", defaultValue = "0", description = "Data seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--probe-c",
            defaultValue = "0.316",
            description = "Inverse L2 strength of the linear probes (default ${DEFAULT-VALUE}).")
    double c;

    @Option(
            names = "--probe-iterations",
            defaultValue = "1000",
            description = "L-BFGS iterations per linear probe (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--k", defaultValue = "20", description = "kNN neighbours (default ${DEFAULT-VALUE}).")
    int k;

    @Option(
            names = "--templates",
            defaultValue = "shapes",
            description = "Zero-shot prompts: simple, openai, shapes or a file (default ${DEFAULT-VALUE}).")
    String templates;

    @Option(
            names = "--batch",
            defaultValue = "256",
            description = "Images or texts per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "Compute threads (default: cores).")
    Integer threads;

    @Option(names = "--out", required = true, description = "Folder for attributes.json and attributes.md.")
    Path out;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        ShapesBenchmark bench = new ShapesBenchmark(size, train, test, seed);
        ProbeSettings settings = new ProbeSettings(c, iterations, k, ClipEvaluation.templates(templates));
        LabelledData data = bench.labelledData();
        String label = backbone.label();
        Representation representation;
        TextEncoder text = null;
        if (merges != null) {
            if (backbone.file() == null)
                throw new IllegalArgumentException("--merges needs CLIP/SLIP --weights FILE, not " + backbone.weights);
            try {
                ClipModelOptions clip = new ClipModelOptions();
                clip.weights = backbone.file();
                clip.merges = merges;
                ClipModel model = clip.model();
                text = TextEncoder.of(model, clip.tokenizer(model), batch);
                representation = Representation.clipImages(
                        model,
                        ClipEvaluation.evalTransform(
                                data, model.config().vision().imageSize()),
                        batch);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read --weights " + backbone.weights + " / --merges " + merges + ": " + e.getMessage(),
                        e);
            }
        } else {
            var transform = KnnMonitor.evalTransform(RecipeConfig.of(size, data.mean(), data.std()));
            representation = backbone.raw()
                    ? Representation.pixels(transform)
                    : Representation.backbone(
                            EvalFeatures.extractor(backbone.load(data, 0, 0), features, batch), transform);
        }
        AttributeTable table = ShapesProbes.run(label, representation, text, bench, settings);
        String heading = String.format(
                Locale.ROOT,
                "# Attribute probes: %s%n%nCaptioned shapes %dpx, seed %d: probes fitted on %d TRAIN images, "
                        + "tested on %d images per split (seen: one object, seen pairs; held-out: one object, held-out pairs; binding: two objects; "
                        + "mixed: seen and binding). Chance: always the commonest test label.%n%n",
                label,
                size,
                seed,
                train,
                test);
        try {
            Files.createDirectories(out);
            Map<String, Object> json = table.json();
            json.put("weights", backbone.weights);
            json.put(
                    "settings",
                    Map.of(
                            "shapes_size",
                            size,
                            "shapes_train",
                            train,
                            "shapes_test",
                            test,
                            "shapes_seed",
                            seed,
                            "probe_c",
                            c,
                            "probe_iterations",
                            iterations,
                            "k",
                            k,
                            "features",
                            merges != null ? "clip image embedding" : features));
            RunDirectory.writeJson(out.resolve("attributes.json"), json);
            RunDirectory.writeText(out.resolve("attributes.md"), heading + table.markdown());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + out + ": " + e.getMessage(), e);
        }
        System.out.print(heading + table.markdown());
        System.out.println("wrote " + out.resolve("attributes.json") + " and " + out.resolve("attributes.md"));
    }
}
