package dev.loupe.data.shapes;

/**
 * The two splits of {@link CaptionedShapes}. No object in TRAIN has a held-out (shape, colour)
 * combination; the first object of every TEST sample has one (further objects are unrestricted),
 * so a model trained on TRAIN meets those combinations only at test time.
 */
public enum ShapesSplit {
    TRAIN, TEST;

    public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
}
