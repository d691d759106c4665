package dev.loupe.data.shapes;

import java.util.Arrays;
import java.util.Locale;

/**
 * The splits of {@link CaptionedShapes}. No object outside {@link #TEST} has a held-out (shape, colour)
 * combination ({@link CaptionedShapes#heldOutCombinations()}), so a model trained on TRAIN meets those
 * combinations only there.
 * <ul>
 *   <li>TRAIN: one or up to {@link ShapesConfig#maxObjects()} objects, seen combinations (pretraining, probe fitting);</li>
 *   <li>TEST: one object with a held-out combination (classification; what {@code --data shapes} tests on);</li>
 *   <li>TEST_SEEN: one object with a seen combination (the same task on pairs training showed);</li>
 *   <li>BINDING: two objects with seen combinations, different shapes and different colours (binding).</li>
 * </ul>
 * In every split the objects are listed in reading order of their positions (see {@link Position}), so
 * "the first object" is the one nearer the top, then the left: a fact of the image, not of the sampler.
 */
public enum ShapesSplit {
    TRAIN("train"),
    TEST("test"),
    TEST_SEEN("test-seen"),
    BINDING("binding");

    private final String word;

    ShapesSplit(String word) {
        this.word = word;
    }

    /** The split's name in data set names and options ("test-seen"). */
    public String word() {
        return word;
    }

    /** Whether the split's single object has a held-out combination. */
    public boolean heldOut() {
        return this == TEST;
    }

    /** The split named {@code word} (train, test, test-seen, binding). */
    public static ShapesSplit of(String word) {
        for (ShapesSplit s : values()) {
            if (s.word.equals(word.toLowerCase(Locale.ROOT))) return s;
        }
        throw new IllegalArgumentException("unknown shapes split '" + word + "' (known: "
                + String.join(
                        ", ", Arrays.stream(values()).map(ShapesSplit::word).toList()) + ")");
    }
}
