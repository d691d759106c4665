package dev.loupe.data.shapes;

/** The fill colours of {@link CaptionedShapes} objects, with their 8-bit sRGB values. */
public enum ShapeColour {
    RED("red", 220, 40, 40),
    GREEN("green", 40, 190, 60),
    BLUE("blue", 50, 90, 235),
    YELLOW("yellow", 240, 220, 40),
    PURPLE("purple", 150, 60, 200),
    ORANGE("orange", 250, 140, 30),
    WHITE("white", 240, 240, 240),
    CYAN("cyan", 40, 210, 220);

    private final String word;
    private final int red;
    private final int green;
    private final int blue;

    ShapeColour(String word, int red, int green, int blue) {
        this.word = word;
        this.red = red;
        this.green = green;
        this.blue = blue;
    }

    /** The word captions use. */
    public String word() {
        return word;
    }

    /** Channel values 0..255 in R, G, B order. */
    public int[] rgb() {
        return new int[] {red, green, blue};
    }
}
