package dev.loupe.data.shapes;

import dev.loupe.tensor.Rng;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Draws a {@link Scene} of a split ({@link ShapesSplit}) from a random stream. One object goes to any
 * of the five positions; two objects go to two different quadrants, so they never overlap (the largest
 * radius plus jitter stays inside a quadrant). Shape, colour and size are uniform over what the split
 * allows: TRAIN, TEST_SEEN and BINDING redraw held-out combinations, TEST draws only those, and BINDING
 * redraws its second object until both shape and colour differ from the first.
 */
final class SceneSampler {
    /** Largest centre offset from the position's centre, as a fraction of the image side. */
    static final double MAX_JITTER = 0.03;

    private static final double MAX_BACKGROUND = 0.2;

    private SceneSampler() {}

    static Scene sample(Rng rng, ShapesSplit split, int maxObjects) {
        int count =
                switch (split) {
                    case TRAIN -> maxObjects == 1 ? 1 : 1 + rng.nextInt(2);
                    case TEST, TEST_SEEN -> 1;
                    case BINDING -> 2;
                };
        List<Position> positions = positions(rng, count);
        List<SceneObject> objects = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Combination c = combination(rng, split, objects);
            ShapeSize size = ShapeSize.values()[rng.nextInt(ShapeSize.values().length)];
            double jx = (2 * rng.nextDouble() - 1) * MAX_JITTER;
            double jy = (2 * rng.nextDouble() - 1) * MAX_JITTER;
            objects.add(new SceneObject(c.shape(), c.colour(), size, positions.get(i), jx, jy));
        }
        objects.sort(Comparator.comparing(SceneObject::position));
        double[] background = {
            rng.nextDouble() * MAX_BACKGROUND, rng.nextDouble() * MAX_BACKGROUND, rng.nextDouble() * MAX_BACKGROUND
        };
        int template = rng.nextInt(CaptionWriter.TEMPLATE_COUNT);
        return new Scene(objects, background, template, rng.nextLong());
    }

    private static List<Position> positions(Rng rng, int count) {
        Position[] all = Position.values();
        if (count == 1) return List.of(all[rng.nextInt(all.length)]);
        List<Position> corners = new ArrayList<>(
                List.of(Position.TOP_LEFT, Position.TOP_RIGHT, Position.BOTTOM_LEFT, Position.BOTTOM_RIGHT));
        Position first = corners.remove(rng.nextInt(corners.size()));
        return List.of(first, corners.get(rng.nextInt(corners.size())));
    }

    /** The next object's (shape, colour), given the objects drawn so far. */
    private static Combination combination(Rng rng, ShapesSplit split, List<SceneObject> drawn) {
        List<Combination> heldOut = CaptionedShapes.heldOutCombinations();
        if (split.heldOut()) return heldOut.get(rng.nextInt(heldOut.size()));
        while (true) {
            Combination c = new Combination(
                    Shape.values()[rng.nextInt(Shape.values().length)],
                    ShapeColour.values()[rng.nextInt(ShapeColour.values().length)]);
            if (heldOut.contains(c)) continue;
            if (split == ShapesSplit.BINDING
                    && drawn.stream().anyMatch(o -> o.shape() == c.shape() || o.colour() == c.colour())) continue;
            return c;
        }
    }
}
