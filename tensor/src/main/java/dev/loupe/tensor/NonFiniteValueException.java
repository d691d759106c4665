package dev.loupe.tensor;

/**
 * A tensor that should hold only finite numbers holds NaN or an infinity: weights of a diverged run,
 * images that were normalised by a zero standard deviation. The message names the tensor (and the
 * file it came from), the first bad element's index and value, and how many bad elements there are;
 * see {@link Finite}.
 */
public final class NonFiniteValueException extends IllegalArgumentException {
    private final String what;
    private final int[] index;
    private final double value;
    private final long count;

    NonFiniteValueException(String what, int[] index, double value, long count, long numel) {
        super(what + " has " + value + " at index " + Shape.format(index) + " (the first of " + count
                + " non-finite values among " + numel + ")");
        this.what = what;
        this.index = index.clone();
        this.value = value;
        this.count = count;
    }

    /** The tensor as named in the message, e.g. "tensor 'head.weight' of runs/a/model.safetensors". */
    public String what() {
        return what;
    }

    /** The row-major index of the first non-finite element. */
    public int[] index() {
        return index.clone();
    }

    /** NaN, +Infinity or -Infinity. */
    public double value() {
        return value;
    }

    /** How many elements are not finite. */
    public long count() {
        return count;
    }
}
