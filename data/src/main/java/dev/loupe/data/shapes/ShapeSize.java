package dev.loupe.data.shapes;

/** Object sizes: the radius of the shape's bounding circle as a fraction of the image side. */
public enum ShapeSize {
    SMALL("small", 0.11),
    LARGE("large", 0.20);

    private final String word;
    private final double radius;

    ShapeSize(String word, double radius) {
        this.word = word;
        this.radius = radius;
    }

    public String word() {
        return word;
    }

    /** Radius / image side. */
    public double radius() {
        return radius;
    }
}
