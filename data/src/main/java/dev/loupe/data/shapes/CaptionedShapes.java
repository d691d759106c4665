package dev.loupe.data.shapes;

import dev.loupe.data.Dataset;
import dev.loupe.data.Sample;
import dev.loupe.tensor.Rng;

import java.util.Arrays;
import java.util.List;

/**
 * A synthetic data set of captioned coloured shapes, for fast end-to-end tests of supervised, SSL and
 * CLIP training and of zero-shot transfer. Each RGB image shows one or two objects ({@link Shape},
 * {@link ShapeColour}, {@link ShapeSize}, {@link Position}) drawn antialiased on a dark noisy
 * background; the caption names every object ("a small red circle at the top left and a large blue
 * square at the bottom right"), after one of a few openings. The class label is the shape of the
 * first object; {@link #classNames()} are the shape words in {@link Shape} order.
 *
 * <p>Splits: {@link #heldOutCombinations()} lists one (shape, colour) pair per shape that never
 * appears in {@link ShapesSplit#TRAIN}; the first object of every {@link ShapesSplit#TEST} sample is
 * one of them (see {@link ShapesSplit}). Every shape and every colour still appears in TRAIN.
 *
 * <p>Sample i of a split is made from {@code new Rng(mix(mix(seed, split), i))} alone, so get(i) is
 * random access, thread-safe and the same on every run and machine.
 */
public final class CaptionedShapes implements Dataset {
    private static final List<Combination> HELD_OUT = List.of(
            new Combination(Shape.CIRCLE, ShapeColour.GREEN),
            new Combination(Shape.SQUARE, ShapeColour.PURPLE),
            new Combination(Shape.TRIANGLE, ShapeColour.CYAN),
            new Combination(Shape.STAR, ShapeColour.WHITE),
            new Combination(Shape.CROSS, ShapeColour.ORANGE),
            new Combination(Shape.DIAMOND, ShapeColour.YELLOW));
    private static final List<String> CLASS_NAMES = Arrays.stream(Shape.values()).map(Shape::word).toList();

    private final ShapesConfig config;
    private final ShapesSplit split;
    private final long splitSeed;

    public CaptionedShapes(ShapesConfig config, ShapesSplit split) {
        this.config = config;
        this.split = split;
        this.splitSeed = mix(config.seed(), split.ordinal());
    }

    /** The (shape, colour) pairs absent from TRAIN; the first object of each TEST sample is one of them. */
    public static List<Combination> heldOutCombinations() { return HELD_OUT; }

    /** What sample index shows: the objects, background and caption template. */
    public Scene scene(int index) {
        if (index < 0 || index >= config.count()) {
            throw new IndexOutOfBoundsException("shapes/" + split.word() + " has " + config.count() + " samples, asked for " + index);
        }
        return SceneSampler.sample(new Rng(mix(splitSeed, index)), split, config.maxObjects());
    }

    @Override
    public String name() { return "shapes/" + split.word(); }

    @Override
    public int size() { return config.count(); }

    @Override
    public Sample get(int index) {
        Scene scene = scene(index);
        return new Sample(name() + "[" + index + "]", ShapeRenderer.render(scene, config.imageSize()),
                scene.objects().getFirst().shape().ordinal(), CaptionWriter.caption(scene));
    }

    /** The caption of sample index, without rendering its image. */
    @Override
    public String caption(int index) { return CaptionWriter.caption(scene(index)); }

    @Override
    public List<String> classNames() { return CLASS_NAMES; }

    public ShapesConfig config() { return config; }

    public ShapesSplit split() { return split; }

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
