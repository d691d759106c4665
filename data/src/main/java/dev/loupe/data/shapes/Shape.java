package dev.loupe.data.shapes;

/** The shapes a {@link CaptionedShapes} scene draws; the ordinal is the class label. */
public enum Shape {
    CIRCLE("circle"),
    SQUARE("square"),
    TRIANGLE("triangle"),
    STAR("star"),
    CROSS("cross"),
    DIAMOND("diamond");

    private final String word;

    Shape(String word) {
        this.word = word;
    }

    /** The word captions use. */
    public String word() {
        return word;
    }
}
