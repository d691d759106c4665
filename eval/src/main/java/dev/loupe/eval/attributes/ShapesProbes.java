package dev.loupe.eval.attributes;

import dev.loupe.eval.zeroshot.TextEncoder;

/**
 * The attribute benchmark in one call: a representation (any backbone, a CLIP image tower, pixels) is
 * run once over the {@link ShapesBenchmark} splits, then probed by {@link AttributeProbes} and, when a
 * text tower is given, by {@link LanguageProbes}. Example:
 * <pre>{@code
 * ShapesBenchmark bench = new ShapesBenchmark(32, 5000, 1000, 0);
 * Transform t = KnnMonitor.evalTransform(RecipeConfig.of(32, data.mean(), data.std()));
 * AttributeTable table = ShapesProbes.run("dino", Representation.backbone(new FeatureExtractor(vit), t), null, bench, ProbeSettings.defaults());
 * System.out.println(table.markdown());
 * }</pre>
 */
public final class ShapesProbes {
    private ShapesProbes() {}

    /**
     * @param name           the representation's name in the table
     * @param representation images -> features (for language probes: the image embeddings text is compared with)
     * @param text           the matching text tower, or null for a model without language
     */
    public static AttributeTable run(
            String name,
            Representation representation,
            TextEncoder text,
            ShapesBenchmark benchmark,
            ProbeSettings settings) {
        BenchmarkFeatures features = BenchmarkFeatures.extract(representation, benchmark);
        AttributeTable table = new AttributeTable(name, AttributeProbes.run(features, settings));
        return text == null ? table : table.plus(LanguageProbes.run(features, text, settings.templates()));
    }
}
