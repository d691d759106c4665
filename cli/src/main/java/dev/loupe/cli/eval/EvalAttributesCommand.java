package dev.loupe.cli.eval;

import dev.loupe.clip.ClipModel;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.eval.attributes.AttributeReport;
import dev.loupe.eval.attributes.AttributeTable;
import dev.loupe.eval.attributes.ProbeSettings;
import dev.loupe.eval.attributes.Representation;
import dev.loupe.eval.attributes.ShapesBenchmark;
import dev.loupe.eval.attributes.ShapesProbes;
import dev.loupe.eval.features.EvalFeatures;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.eval.zeroshot.ClipEvaluation;
import dev.loupe.eval.zeroshot.TextEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
                    "Backbone features: cls, mean, cls+mean, lastN or lastN+mean (default ${DEFAULT-VALUE}; CLIP/SLIP: always the image embedding).")
    String features;

    @Mixin
    ShapesBenchmarkOptions shapes;

    @Mixin
    AttributeProbeOptions probes;

    @Mixin
    ForwardPassOptions pass;

    @Option(names = "--out", required = true, description = "Folder for attributes.json and attributes.md.")
    Path out;

    @Override
    public void run() {
        pass.applyThreads();
        ShapesBenchmark bench = shapes.benchmark();
        ProbeSettings settings = probes.settings();
        LabelledData data = bench.labelledData();
        String label = backbone.label();
        Representation representation;
        TextEncoder text = null;
        if (merges != null) {
            if (backbone.file() == null)
                throw new IllegalArgumentException("--merges needs CLIP/SLIP --weights FILE, not " + backbone.weights);
            try {
                ClipModelOptions clip = ClipModelOptions.of(backbone.file(), merges);
                ClipModel model = clip.model();
                text = TextEncoder.of(model, clip.tokenizer(model), pass.batch);
                representation = Representation.clipImages(
                        model,
                        ClipEvaluation.evalTransform(
                                data, model.config().vision().imageSize()),
                        pass.batch);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read --weights " + backbone.weights + " / --merges " + merges + ": " + e.getMessage(),
                        e);
            }
        } else {
            var transform = KnnMonitor.evalTransform(RecipeConfig.of(bench.imageSize(), data.mean(), data.std()));
            representation = backbone.raw()
                    ? Representation.pixels(transform)
                    : Representation.backbone(
                            EvalFeatures.extractor(backbone.load(data, 0, 0), features, pass.batch), transform);
        }
        AttributeTable table = ShapesProbes.run(label, representation, text, bench, settings);
        String heading = AttributeReport.heading(label, bench);
        Map<String, Object> json = AttributeReport.json(
                table, backbone.weights, bench, settings, merges != null ? "clip image embedding" : features);
        Path[] written;
        try {
            written = AttributeReport.write(out, heading, table, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + out + ": " + e.getMessage(), e);
        }
        System.out.print(heading + table.markdown());
        System.out.println("wrote " + written[0] + " and " + written[1]);
    }
}
