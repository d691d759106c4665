package dev.loupe.data.shapes;

import java.util.List;

/**
 * The labels of one {@link CaptionedShapes} sample: its object count and each object's attributes, in
 * reading order of their positions (so "the first object" is the top-most, then left-most one).
 */
public record SceneLabels(int count, List<ObjectLabels> objects) {
    /** The attributes of one drawn object. */
    public record ObjectLabels(Shape shape, ShapeColour colour, ShapeSize size, Position position) {
        public Combination combination() {
            return new Combination(shape, colour);
        }
    }

    public SceneLabels {
        objects = List.copyOf(objects);
        if (count != objects.size())
            throw new IllegalArgumentException("count " + count + " but " + objects.size() + " objects");
    }

    /** The labels of scene. */
    public static SceneLabels of(Scene scene) {
        List<ObjectLabels> objects = scene.objects().stream()
                .map(o -> new ObjectLabels(o.shape(), o.colour(), o.size(), o.position()))
                .toList();
        return new SceneLabels(objects.size(), objects);
    }
}
