package dev.loupe.data.shapes;

/** A (shape, colour) pair, the unit {@link CaptionedShapes} holds out of the training split. */
public record Combination(Shape shape, ShapeColour colour) {
    @Override
    public String toString() {
        return colour.word() + " " + shape.word();
    }
}
