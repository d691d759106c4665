package dev.loupe.data.shapes;

/**
 * Where an object sits: the centre of an image quadrant, or the image centre. The order is reading
 * order (top row left to right, then bottom row; the centre only ever holds a lone object), and
 * {@link Scene} lists its objects in it.
 */
public enum Position {
    TOP_LEFT("at the top left", 0.25, 0.25),
    TOP_RIGHT("at the top right", 0.75, 0.25),
    BOTTOM_LEFT("at the bottom left", 0.25, 0.75),
    BOTTOM_RIGHT("at the bottom right", 0.75, 0.75),
    CENTER("in the center", 0.5, 0.5);

    private final String phrase;
    private final double x;
    private final double y;

    Position(String phrase, double x, double y) {
        this.phrase = phrase;
        this.x = x;
        this.y = y;
    }

    /** The words captions use ("at the top left"). */
    public String phrase() {
        return phrase;
    }

    /** A short class name ("top left", "center"). */
    public String word() {
        return phrase.replace("at the ", "").replace("in the ", "");
    }

    /** Centre column / image side. */
    public double x() {
        return x;
    }

    /** Centre row / image side. */
    public double y() {
        return y;
    }

    /** True for the four quadrant positions. */
    public boolean isCorner() {
        return this != CENTER;
    }
}
