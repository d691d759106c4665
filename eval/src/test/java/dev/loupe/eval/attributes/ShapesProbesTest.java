package dev.loupe.eval.attributes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.Attribute;
import dev.loupe.data.Dataset;
import dev.loupe.data.LabelledData;
import dev.loupe.data.shapes.CaptionedShapes;
import dev.loupe.data.shapes.Combination;
import dev.loupe.data.shapes.Shape;
import dev.loupe.data.shapes.ShapeColour;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.eval.zeroshot.TextEncoder;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attribute probes on tiny shapes data: features that hold the labels are read perfectly, random
 * features sit at chance, raw pixels know colour and position but cannot name an unseen pair, and the
 * language probes follow what a text tower encodes.
 */
class ShapesProbesTest {
    private static final ShapesBenchmark BENCH = new ShapesBenchmark(16, 400, 150, 3);
    private static final ProbeSettings FAST = new ProbeSettings(0.316, 200, 10, List.of("a {}", "a photo of a {}"));

    /**
     * One-hot codes of each object's shape, colour, size and position and of the count: the labels, and
     * nothing that names a (shape, colour) pair as such.
     */
    private static final Representation ORACLE = data -> {
        CaptionedShapes shapes = (CaptionedShapes) data;
        List<Attribute> attributes = shapes.attributes();
        int width = attributes.stream()
                .filter(a -> !a.name().startsWith("combination"))
                .mapToInt(Attribute::size)
                .sum();
        float[] x = new float[data.size() * width];
        for (int i = 0; i < data.size(); i++) {
            int[] values = shapes.attributeValues(i);
            int offset = 0;
            for (int a = 0; a < attributes.size(); a++) {
                if (attributes.get(a).name().startsWith("combination")) continue;
                if (values[a] >= 0) x[i * width + offset + values[a]] = 1;
                offset += attributes.get(a).size();
            }
        }
        return features(data, x, width);
    };

    /** Gaussian features that depend only on the split's name and the index, never on the image. */
    private static final Representation RANDOM = data -> {
        int width = 24;
        Rng rng = new Rng(data.name().hashCode());
        float[] x = new float[data.size() * width];
        for (int j = 0; j < x.length; j++) x[j] = (float) rng.nextGaussian();
        return features(data, x, width);
    };

    /** The sum of one-hot (shape x colour) codes of the objects: what a perfect CLIP image tower might embed. */
    private static final Representation BOUND_PAIRS = data -> {
        CaptionedShapes shapes = (CaptionedShapes) data;
        float[] x = new float[data.size() * 48];
        for (int i = 0; i < data.size(); i++) {
            for (var o : shapes.labels(i).objects()) x[i * 48 + CaptionedShapes.combinationIndex(o.combination())] += 1;
        }
        return features(data, x, 48);
    };

    /**
     * The matching text tower: each " and "-separated part of a text adds the one-hot codes of the pairs it
     * names (a shape without a colour names that shape in every colour).
     */
    private static final TextEncoder BOUND_TEXT = texts -> {
        float[] x = new float[texts.size() * 48];
        for (int t = 0; t < texts.size(); t++) {
            for (String part : texts.get(t).split(" and ")) {
                for (Combination c : CaptionedShapes.allCombinations()) {
                    if (part.contains(c.shape().word())
                            && (part.contains(c.colour().word() + " ") || !namesAColour(part))) {
                        x[t * 48 + CaptionedShapes.combinationIndex(c)] += 1;
                    }
                }
            }
        }
        return Tensor.of(x, texts.size(), 48);
    };

    private static boolean namesAColour(String text) {
        for (ShapeColour c : ShapeColour.values()) if (text.contains(c.word() + " ")) return true;
        return false;
    }

    private static FeatureSet features(Dataset data, float[] x, int width) {
        return new FeatureSet(
                Tensor.of(x, data.size(), width),
                Tensor.ofLongs(new long[data.size()], data.size()),
                data.classNames());
    }

    @Test
    void featuresThatHoldTheLabelsAreReadPerfectly() {
        AttributeTable table = ShapesProbes.run("oracle", ORACLE, null, BENCH, FAST);
        for (ProbeResult r : table.rows()) {
            // kNN has no exact match for most test codes among 200 training images, so only its linear twin is perfect
            if (r.method().equals("linear")) assertTrue(r.accuracy() > 0.99, r + "\n" + table.markdown());
            else assertTrue(r.accuracy() > r.chance() + 0.3, r + "\n" + table.markdown());
        }
        for (String split : List.of("seen", "held-out")) {
            for (String attribute : AttributeProbes.OBJECT_ATTRIBUTES)
                assertEquals(150, table.get("linear", attribute, split).testSize());
        }
        assertEquals(300, table.get("linear", "count", "mixed").testSize());
        assertTrue(table.get("linear", "colour.2", "binding").accuracy() > 0.99);
        assertTrue(table.find("zero-shot", "shape", "held-out").isEmpty(), "no language probes without a text tower");
    }

    @Test
    void randomFeaturesSitAtChance() {
        AttributeTable table = ShapesProbes.run("random", RANDOM, null, BENCH, FAST);
        assertEquals(
                AttributeProbes.OBJECT_ATTRIBUTES.size() * 4 + 2 + AttributeProbes.BINDING_ATTRIBUTES.size(),
                table.rows().size());
        for (ProbeResult r : table.rows()) {
            assertTrue(r.accuracy() < r.chance() + 0.12, r + "\n" + table.markdown());
            assertTrue(r.chance() >= 1.0 / CaptionedShapes.allCombinations().size(), r.toString());
        }
    }

    @Test
    void pixelsKnowColourAndPosition() {
        LabelledData data = BENCH.labelledData();
        Representation pixels =
                Representation.pixels(KnnMonitor.evalTransform(RecipeConfig.of(16, data.mean(), data.std())));
        AttributeTable table = ShapesProbes.run("pixels", pixels, null, BENCH, FAST);
        for (String split : List.of("seen", "held-out")) {
            ProbeResult colour = table.get("knn", "colour", split);
            assertTrue(colour.accuracy() > colour.chance() + 0.2, table.markdown());
            assertTrue(table.get("linear", "position", split).accuracy() > 0.95, table.markdown());
        }
        assertTrue(table.get("linear", "count", "mixed").accuracy() > 0.75, table.markdown());
    }

    @Test
    void languageProbesFollowTheTextTower() {
        AttributeTable table = ShapesProbes.run("bound", BOUND_PAIRS, BOUND_TEXT, BENCH, FAST);
        for (String split : List.of("seen", "held-out")) {
            for (String attribute : List.of("shape", "combination", "colour", "shape from pairs")) {
                assertEquals(
                        1.0,
                        table.get("zero-shot", attribute, split).accuracy(),
                        1e-9,
                        attribute + " " + split + "\n" + table.markdown());
            }
        }
        assertEquals(1.0, table.get("caption binding", "colour swap", "binding").accuracy(), 1e-9, table.markdown());
        assertEquals(1.0, table.get("retrieval t->i", "caption", "binding").accuracy(), 1e-9, table.markdown());

        TextEncoder noise = texts -> {
            Rng rng = new Rng(texts.hashCode());
            float[] x = new float[texts.size() * 48];
            for (int j = 0; j < x.length; j++) x[j] = (float) rng.nextGaussian();
            return Tensor.of(x, texts.size(), 48);
        };
        AttributeTable blind = ShapesProbes.run("bound", BOUND_PAIRS, noise, BENCH, FAST);
        for (String split : List.of("seen", "held-out")) {
            ProbeResult shape = blind.get("zero-shot", "shape", split);
            assertTrue(shape.accuracy() < shape.chance() + 0.15, blind.markdown());
        }
        ProbeResult swap = blind.get("caption binding", "colour swap", "binding");
        assertTrue(Math.abs(swap.accuracy() - 0.5) < 0.15, blind.markdown());
    }

    @Test
    void swappingColoursKeepsShapesAndPositions() {
        var scene = BENCH.binding().scene(0);
        var swapped = LanguageProbes.swapColours(scene);
        assertEquals(scene.objects().get(0).colour(), swapped.objects().get(1).colour());
        assertEquals(scene.objects().get(1).colour(), swapped.objects().get(0).colour());
        assertEquals(scene.objects().get(0).shape(), swapped.objects().get(0).shape());
        assertEquals(Shape.values().length, BENCH.train().classNames().size());
    }
}
