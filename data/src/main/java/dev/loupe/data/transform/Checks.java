package dev.loupe.data.transform;

import dev.loupe.data.Image;

/** Argument checks shared by the transforms; every message names the offending value. */
final class Checks {
    private Checks() {}

    /** A probability in [0, 1]. */
    static double probability(double p, String what) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(what + ": probability must be in [0, 1], got " + p);
        return p;
    }

    /** A size in pixels, at least 1. */
    static int positive(int size, String what) {
        if (size <= 0) throw new IllegalArgumentException(what + " must be positive, got " + size);
        return size;
    }

    /** A (min, max) range with 0 < min <= max (or 0 <= min when zeroAllowed). */
    static void range(double min, double max, boolean zeroAllowed, String what) {
        boolean lowOk = zeroAllowed ? min >= 0 : min > 0;
        if (!lowOk || !(min <= max) || Double.isInfinite(max)) {
            throw new IllegalArgumentException(what + " must be a range " + (zeroAllowed ? "0 <= " : "0 < ")
                    + "min <= max, got (" + min + ", " + max + ")");
        }
    }

    /** The image has 1 (grey) or 3 (RGB) channels, as torchvision's colour ops require. */
    static void greyOrRgb(Image image, String op) {
        if (image.channels() != 1 && image.channels() != 3) {
            throw new IllegalArgumentException(op + " needs a 1- or 3-channel image, got " + image);
        }
    }
}
