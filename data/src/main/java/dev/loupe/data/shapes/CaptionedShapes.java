package dev.loupe.data.shapes;

import dev.loupe.data.Attribute;
import dev.loupe.data.AttributeLabelled;
import dev.loupe.data.Sample;
import dev.loupe.tensor.Rng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A synthetic data set of captioned coloured shapes, for end-to-end tests of supervised, SSL and CLIP
 * training and for a small benchmark of what representations know. Each RGB image shows one or two
 * objects ({@link Shape}, {@link ShapeColour}, {@link ShapeSize}, {@link Position}) drawn antialiased on a
 * dark noisy background; the caption names every object in reading order ("a small red circle at the
 * top left and a large blue square at the bottom right"), after one of a few openings. The class label
 * is the shape of the first object in reading order; {@link #classNames()} are the shape words in
 * {@link Shape} order.
 *
 * <p>Every sample carries its {@link SceneLabels} ({@link #labels}) and, for probes, the flat
 * {@link #attributes()}: shape, colour, size, position and combination (shape x colour, 48 values) of the
 * first object, the same with suffix ".2" for the second object (absent in one-object images), and count.
 *
 * <p>Splits ({@link ShapesSplit}): {@link #heldOutCombinations()} lists one (shape, colour) pair per shape
 * that only the one-object TEST split shows; TEST_SEEN is the same task on seen pairs, BINDING shows two
 * objects that differ in shape and colour. Every shape and every colour still appears in TRAIN.
 *
 * <p>Sample i of a split is made from {@code new Rng(mix(mix(seed, split), i))} alone, so get(i) is
 * random access, thread-safe and the same on every run and machine.
 */
public final class CaptionedShapes implements AttributeLabelled {
    private static final List<Combination> HELD_OUT = List.of(
            new Combination(Shape.CIRCLE, ShapeColour.GREEN),
            new Combination(Shape.SQUARE, ShapeColour.PURPLE),
            new Combination(Shape.TRIANGLE, ShapeColour.CYAN),
            new Combination(Shape.STAR, ShapeColour.WHITE),
            new Combination(Shape.CROSS, ShapeColour.ORANGE),
            new Combination(Shape.DIAMOND, ShapeColour.YELLOW));
    private static final List<String> CLASS_NAMES =
            Arrays.stream(Shape.values()).map(Shape::word).toList();
    private static final List<String> COLOUR_NAMES =
            Arrays.stream(ShapeColour.values()).map(ShapeColour::word).toList();
    private static final List<String> SIZE_NAMES =
            Arrays.stream(ShapeSize.values()).map(ShapeSize::word).toList();
    private static final List<String> POSITION_NAMES =
            Arrays.stream(Position.values()).map(Position::word).toList();
    private static final List<String> COMBINATION_NAMES =
            allCombinations().stream().map(Combination::toString).toList();
    private static final List<Attribute> ATTRIBUTES = attributeList();

    private final ShapesConfig config;
    private final ShapesSplit split;
    private final long splitSeed;

    public CaptionedShapes(ShapesConfig config, ShapesSplit split) {
        this.config = config;
        this.split = split;
        this.splitSeed = mix(config.seed(), split.ordinal());
    }

    /** The (shape, colour) pairs only TEST shows; the object of each TEST sample is one of them. */
    public static List<Combination> heldOutCombinations() {
        return HELD_OUT;
    }

    /** All 48 (shape, colour) pairs, shape-major: index = shape * 8 + colour (the "combination" attribute's order). */
    public static List<Combination> allCombinations() {
        List<Combination> all = new ArrayList<>();
        for (Shape shape : Shape.values()) {
            for (ShapeColour colour : ShapeColour.values()) all.add(new Combination(shape, colour));
        }
        return List.copyOf(all);
    }

    /** The index of c in {@link #allCombinations()}. */
    public static int combinationIndex(Combination c) {
        return c.shape().ordinal() * ShapeColour.values().length + c.colour().ordinal();
    }

    /** What sample index shows: the objects, background and caption template. */
    public Scene scene(int index) {
        if (index < 0 || index >= config.count()) {
            throw new IndexOutOfBoundsException(
                    "shapes/" + split.word() + " has " + config.count() + " samples, asked for " + index);
        }
        return SceneSampler.sample(new Rng(mix(splitSeed, index)), split, config.maxObjects());
    }

    /** The count and per-object attributes of sample index (no rendering). */
    public SceneLabels labels(int index) {
        return SceneLabels.of(scene(index));
    }

    @Override
    public List<Attribute> attributes() {
        return ATTRIBUTES;
    }

    @Override
    public int[] attributeValues(int index) {
        SceneLabels labels = labels(index);
        int per = 5;
        int[] values = new int[2 * per + 1];
        Arrays.fill(values, Sample.NO_LABEL);
        for (int o = 0; o < labels.count(); o++) {
            SceneLabels.ObjectLabels l = labels.objects().get(o);
            values[o * per] = l.shape().ordinal();
            values[o * per + 1] = l.colour().ordinal();
            values[o * per + 2] = l.size().ordinal();
            values[o * per + 3] = l.position().ordinal();
            values[o * per + 4] = combinationIndex(l.combination());
        }
        values[2 * per] = labels.count() - 1;
        return values;
    }

    @Override
    public String name() {
        return "shapes/" + split.word();
    }

    @Override
    public int size() {
        return config.count();
    }

    @Override
    public Sample get(int index) {
        Scene scene = scene(index);
        return new Sample(
                name() + "[" + index + "]",
                ShapeRenderer.render(scene, config.imageSize()),
                scene.objects().getFirst().shape().ordinal(),
                CaptionWriter.caption(scene));
    }

    /** The caption of sample index, without rendering its image. */
    @Override
    public String caption(int index) {
        return CaptionWriter.caption(scene(index));
    }

    @Override
    public List<String> classNames() {
        return CLASS_NAMES;
    }

    public ShapesConfig config() {
        return config;
    }

    public ShapesSplit split() {
        return split;
    }

    private static List<Attribute> attributeList() {
        List<Attribute> all = new ArrayList<>();
        for (String suffix : List.of("", ".2")) {
            all.add(new Attribute("shape" + suffix, CLASS_NAMES));
            all.add(new Attribute("colour" + suffix, COLOUR_NAMES));
            all.add(new Attribute("size" + suffix, SIZE_NAMES));
            all.add(new Attribute("position" + suffix, POSITION_NAMES));
            all.add(new Attribute("combination" + suffix, COMBINATION_NAMES));
        }
        all.add(new Attribute("count", List.of("1", "2")));
        return List.copyOf(all);
    }

    /** A well-mixed 64-bit seed for item index of a stream seeded with seed (SplitMix64's finaliser, twice). */
    static long mix(long seed, long index) {
        return finish(finish(seed) + (index + 1) * 0x9E3779B97F4A7C15L);
    }

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
