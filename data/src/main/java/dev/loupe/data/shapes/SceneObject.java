package dev.loupe.data.shapes;

/**
 * One drawn object.
 *
 * @param jitterX offset of the centre from the position's centre, as a fraction of the image side
 * @param jitterY likewise for rows
 */
public record SceneObject(
        Shape shape, ShapeColour colour, ShapeSize size, Position position, double jitterX, double jitterY) {
    /** The caption words for this object: "a small red circle at the top left". */
    public String phrase() {
        return "a " + size.word() + " " + colour.word() + " " + shape.word() + " " + position.phrase();
    }

    /** The (shape, colour) pair, for the held-out split. */
    public Combination combination() {
        return new Combination(shape, colour);
    }
}
