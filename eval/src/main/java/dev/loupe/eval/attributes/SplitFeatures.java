package dev.loupe.eval.attributes;

import dev.loupe.data.Attribute;
import dev.loupe.data.Sample;
import dev.loupe.data.shapes.CaptionedShapes;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Tensor;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The frozen features of one shapes split with every sample's attribute values, so that any probe
 * can pick its rows and its label without running the representation again.
 *
 * @param data     the split
 * @param features (N, F) row-major
 * @param dim      F
 * @param values   values[i] = {@link CaptionedShapes#attributeValues}(i)
 */
public record SplitFeatures(CaptionedShapes data, float[] features, int dim, int[][] values) {
    /** Runs representation over data once and reads every sample's attributes. */
    public static SplitFeatures extract(Representation representation, CaptionedShapes data) {
        FeatureSet set = representation.extract(data);
        if (set.size() != data.size()) {
            throw new IllegalStateException("the representation gave " + set.size() + " feature rows for the "
                    + data.size() + " samples of " + data.name());
        }
        int[][] values = IntStream.range(0, data.size())
                .parallel()
                .mapToObj(data::attributeValues)
                .toArray(int[][]::new);
        return new SplitFeatures(data, set.features().toFloatArray(), set.dim(), values);
    }

    public int size() {
        return values.length;
    }

    /** The value of attribute (by name) of sample i, or {@link Sample#NO_LABEL}. */
    public int value(int i, String attribute) {
        return values[i][data.attributeIndex(attribute)];
    }

    /** The rows whose sample satisfies test, in order. */
    public int[] rows(IntPredicate test) {
        return IntStream.range(0, size()).filter(test).toArray();
    }

    /** The rows of samples showing {@code objects} objects. */
    public int[] rowsWithObjects(int objects) {
        return rows(i -> value(i, "count") == objects - 1);
    }

    /** All rows. */
    public int[] allRows() {
        return IntStream.range(0, size()).toArray();
    }

    /** The features of rows, labelled with attribute. */
    public FeatureSet select(int[] rows, String attribute) {
        return concat(attribute, List.of(this), List.of(rows));
    }

    /** The features of rows.get(j) of parts.get(j), stacked in that order and labelled with attribute. */
    public static FeatureSet concat(String attribute, List<SplitFeatures> parts, List<int[]> rows) {
        int f = parts.getFirst().dim;
        int n = rows.stream().mapToInt(r -> r.length).sum();
        if (n == 0)
            throw new IllegalArgumentException("no samples to probe " + attribute + " on in "
                    + parts.getFirst().data.name());
        float[] x = new float[n * f];
        long[] y = new long[n];
        int at = 0;
        for (int p = 0; p < parts.size(); p++) {
            SplitFeatures part = parts.get(p);
            if (part.dim != f)
                throw new IllegalArgumentException(
                        "feature widths differ: " + f + " and " + part.dim + " (" + part.data.name() + ")");
            for (int row : rows.get(p)) {
                System.arraycopy(part.features, row * f, x, at * f, f);
                y[at] = part.value(row, attribute);
                if (y[at] < 0)
                    throw new IllegalArgumentException(part.data.name() + " sample " + row + " has no " + attribute);
                at++;
            }
        }
        Attribute a =
                parts.getFirst().data.attributes().get(parts.getFirst().data.attributeIndex(attribute));
        return new FeatureSet(Tensor.of(x, n, f), Tensor.ofLongs(y, n), a.values());
    }

    /** How often the commonest label of set occurs: the accuracy of always guessing it. */
    public static double chance(FeatureSet set) {
        long[] y = set.labels().toLongArray();
        int[] counts = new int[set.numClasses()];
        for (long l : y) counts[(int) l]++;
        return (double) IntStream.of(counts).max().orElse(0) / y.length;
    }
}
