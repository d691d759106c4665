package dev.loupe.eval.attributes;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.knn.KnnClassifier;
import dev.loupe.eval.linear.Lbfgs;
import dev.loupe.eval.linear.LogisticModel;
import dev.loupe.eval.linear.LogisticRegression;
import java.util.ArrayList;
import java.util.List;

/**
 * Linear and kNN probes of what a frozen representation knows about each object, the same for every
 * representation. Probes are fitted on TRAIN images and measured on images they never saw:
 * <ul>
 *   <li>linear, per attribute (shape, colour, size, position): fitted on one-object TRAIN images, measured
 *       on one-object images of seen pairs ("seen") and of held-out pairs ("held-out"); combination
 *       (48 shape x colour classes) on seen only, as no probe can name a class it was never fitted on;</li>
 *   <li>linear, count: fitted on all TRAIN images, measured on seen one-object and BINDING images ("mixed");</li>
 *   <li>linear, binding: shape and colour of the first and of the second object in reading order (".2"),
 *       fitted on two-object TRAIN images, measured on BINDING;</li>
 *   <li>kNN (weighted, {@link ProbeSettings#k()} neighbours among the one-object TRAIN images): shape, colour,
 *       size, position on seen and held-out.</li>
 * </ul>
 * The linear probe is multinomial logistic regression on standardised features (L-BFGS).
 */
public final class AttributeProbes {
    /** The per-object attributes of one-object images. */
    public static final List<String> OBJECT_ATTRIBUTES = List.of("shape", "colour", "size", "position");
    /** What the binding probes read from two-object images. */
    public static final List<String> BINDING_ATTRIBUTES = List.of("shape", "colour", "shape.2", "colour.2");

    private AttributeProbes() {}

    /** Every linear and kNN probe on f. */
    public static List<ProbeResult> run(BenchmarkFeatures f, ProbeSettings settings) {
        List<ProbeResult> out = new ArrayList<>();
        LogisticRegression regression =
                new LogisticRegression(settings.c(), Lbfgs.Options.sklearn(settings.maxIterations(), 1e-4), true);
        int[] singles = f.train().rowsWithObjects(1);
        int[] pairs = f.train().rowsWithObjects(2);
        for (String attribute : OBJECT_ATTRIBUTES) {
            LogisticModel model = regression.fit(f.train().select(singles, attribute));
            out.add(linear(
                    model,
                    attribute,
                    "seen",
                    singles.length,
                    f.seen().select(f.seen().allRows(), attribute)));
            out.add(linear(
                    model,
                    attribute,
                    "held-out",
                    singles.length,
                    f.heldOut().select(f.heldOut().allRows(), attribute)));
        }
        LogisticModel combination = regression.fit(f.train().select(singles, "combination"));
        out.add(linear(
                combination,
                "combination",
                "seen",
                singles.length,
                f.seen().select(f.seen().allRows(), "combination")));
        FeatureSet mixed = SplitFeatures.concat(
                "count",
                List.of(f.seen(), f.binding()),
                List.of(f.seen().allRows(), f.binding().allRows()));
        out.add(linear(
                regression.fit(f.train().select(f.train().allRows(), "count")),
                "count",
                "mixed",
                f.train().size(),
                mixed));
        if (pairs.length > 0) {
            for (String attribute : BINDING_ATTRIBUTES) {
                LogisticModel model = regression.fit(f.train().select(pairs, attribute));
                out.add(linear(
                        model,
                        attribute,
                        "binding",
                        pairs.length,
                        f.binding().select(f.binding().allRows(), attribute)));
            }
        }
        KnnClassifier knn = new KnnClassifier();
        for (String attribute : OBJECT_ATTRIBUTES) {
            FeatureSet train = f.train().select(singles, attribute);
            out.add(knn(knn, train, attribute, "seen", f.seen().select(f.seen().allRows(), attribute), settings.k()));
            out.add(knn(
                    knn,
                    train,
                    attribute,
                    "held-out",
                    f.heldOut().select(f.heldOut().allRows(), attribute),
                    settings.k()));
        }
        return out;
    }

    private static ProbeResult linear(
            LogisticModel model, String attribute, String split, int trainSize, FeatureSet test) {
        return new ProbeResult(
                "linear",
                attribute,
                split,
                model.accuracy(test) / 100,
                SplitFeatures.chance(test),
                trainSize,
                test.size());
    }

    private static ProbeResult knn(
            KnnClassifier knn, FeatureSet train, String attribute, String split, FeatureSet test, int k) {
        double top1 = knn.evaluate(train, test, k).getFirst().top1() / 100;
        return new ProbeResult("knn", attribute, split, top1, SplitFeatures.chance(test), train.size(), test.size());
    }
}
