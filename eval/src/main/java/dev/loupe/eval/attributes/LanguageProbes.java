package dev.loupe.eval.attributes;

import dev.loupe.data.shapes.CaptionWriter;
import dev.loupe.data.shapes.CaptionedShapes;
import dev.loupe.data.shapes.Combination;
import dev.loupe.data.shapes.Scene;
import dev.loupe.data.shapes.SceneObject;
import dev.loupe.data.shapes.ShapeColour;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.retrieval.Retrieval;
import dev.loupe.eval.retrieval.RetrievalResult;
import dev.loupe.eval.zeroshot.Embeddings;
import dev.loupe.eval.zeroshot.TextEncoder;
import dev.loupe.eval.zeroshot.ZeroShotClassifier;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The probes only a model with a text tower can take, on its image embeddings (the features of
 * {@link Representation#clipImages}) against its text embeddings:
 * <ul>
 *   <li>zero-shot shape (6 classes, prompts from the shape words) on seen and held-out one-object images;</li>
 *   <li>zero-shot combination (48 classes, "red circle"), on seen and held-out: on held-out images the
 *       right class is a pair no training caption named;</li>
 *   <li>zero-shot colour: the colour of the best-scoring combination (the 48-way scores' maximum over shapes);
 *       and "shape from pairs", its shape (the maximum over colours: the shape named in every colour, as
 *       captions name it, rather than alone);</li>
 *   <li>retrieval on BINDING: image-to-text and text-to-image recall at 1 among all its captions;</li>
 *   <li>caption binding on BINDING: how often the image is nearer its own caption than to the same caption
 *       with the two objects' colours swapped (chance 50%).</li>
 * </ul>
 */
public final class LanguageProbes {
    private LanguageProbes() {}

    /** Every language probe on f with text; templates fill the class names ({} = name). */
    public static List<ProbeResult> run(BenchmarkFeatures f, TextEncoder text, List<String> templates) {
        List<ProbeResult> out = new ArrayList<>();
        List<String> shapes = f.seen().data().classNames();
        List<String> combinations = CaptionedShapes.allCombinations().stream()
                .map(Combination::toString)
                .toList();
        ZeroShotClassifier shapeClassifier = ZeroShotClassifier.build(text, shapes, templates);
        ZeroShotClassifier combinationClassifier = ZeroShotClassifier.build(text, combinations, templates);
        for (SplitFeatures split : List.of(f.seen(), f.heldOut())) {
            String name = split == f.seen() ? "seen" : "held-out";
            out.add(zeroShot(shapeClassifier, split, "shape", name));
            out.add(zeroShot(combinationClassifier, split, "combination", name));
            out.addAll(fromCombinations(combinationClassifier, split, name));
        }
        out.addAll(binding(f.binding(), text));
        return out;
    }

    private static ProbeResult zeroShot(
            ZeroShotClassifier classifier, SplitFeatures split, String attribute, String name) {
        FeatureSet set = split.select(split.allRows(), attribute);
        double top1 = classifier.evaluate(set.features(), set.labels()).top1();
        return new ProbeResult("zero-shot", attribute, name, top1, SplitFeatures.chance(set), 0, set.size());
    }

    /**
     * Colour and "shape from pairs" read off the best of the 48 combination scores, scored once per image:
     * its colour (max over shapes per colour) and its shape (max over colours per shape, which ensembles the
     * shape's prompts over every colour instead of naming the shape alone, as captions never do).
     */
    private static List<ProbeResult> fromCombinations(
            ZeroShotClassifier combinations, SplitFeatures split, String name) {
        FeatureSet colourSet = split.select(split.allRows(), "colour");
        FeatureSet shapeSet = split.select(split.allRows(), "shape"); // the same rows and features
        int colours = ShapeColour.values().length, k = combinations.classNames().size();
        float[] scores = combinations.scores(colourSet.features()).contiguous().toFloatArray(); // (N, 48), shape-major
        long[] colour = colourSet.labels().toLongArray(),
                shape = shapeSet.labels().toLongArray();
        int colourCorrect = 0, shapeCorrect = 0;
        for (int i = 0; i < colour.length; i++) {
            int best = 0;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (scores[i * k + c] > bestScore) {
                    bestScore = scores[i * k + c];
                    best = c;
                }
            }
            if (best % colours == colour[i]) colourCorrect++;
            if (best / colours == shape[i]) shapeCorrect++;
        }
        int n = colour.length;
        return List.of(
                new ProbeResult(
                        "zero-shot", "colour", name, (double) colourCorrect / n, SplitFeatures.chance(colourSet), 0, n),
                new ProbeResult(
                        "zero-shot",
                        "shape from pairs",
                        name,
                        (double) shapeCorrect / n,
                        SplitFeatures.chance(shapeSet),
                        0,
                        n));
    }

    private static List<ProbeResult> binding(SplitFeatures split, TextEncoder text) {
        int n = split.size();
        List<String> captions = new ArrayList<>(n), swapped = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Scene scene = split.data().scene(i);
            captions.add(CaptionWriter.caption(scene));
            swapped.add(CaptionWriter.caption(swapColours(scene)));
        }
        Tensor images = Embeddings.normalizeRows(Tensor.of(split.features(), n, split.dim())); // (N, E)
        Tensor own = Embeddings.normalizeRows(text.encode(captions)); // (N, E)
        Tensor other = Embeddings.normalizeRows(text.encode(swapped)); // (N, E)
        RetrievalResult r = Retrieval.evaluatePaired(images, own);
        float[] ownSim = images.mul(own).sum(false, 1).toFloatArray();
        float[] otherSim = images.mul(other).sum(false, 1).toFloatArray();
        int nearer = 0;
        for (int i = 0; i < n; i++) if (ownSim[i] > otherSim[i]) nearer++;
        return List.of(
                new ProbeResult("retrieval i->t", "caption", "binding", r.imageToTextR1(), 1.0 / n, 0, n),
                new ProbeResult("retrieval t->i", "caption", "binding", r.textToImageR1(), 1.0 / n, 0, n),
                new ProbeResult("caption binding", "colour swap", "binding", (double) nearer / n, 0.5, 0, n));
    }

    /** The scene with its two objects' colours exchanged (a caption that names the same words, bound wrongly). */
    static Scene swapColours(Scene scene) {
        SceneObject a = scene.objects().get(0), b = scene.objects().get(1);
        return new Scene(
                List.of(recolour(a, b.colour()), recolour(b, a.colour())),
                scene.background(),
                scene.template(),
                scene.noiseSeed());
    }

    private static SceneObject recolour(SceneObject o, ShapeColour colour) {
        return new SceneObject(o.shape(), colour, o.size(), o.position(), o.jitterX(), o.jitterY());
    }
}
