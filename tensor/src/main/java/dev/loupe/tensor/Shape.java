package dev.loupe.tensor;

import java.util.Arrays;

/** Immutable tensor shape: sizes per dimension, outermost first. */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("negative size " + dims[i] + " at dim " + i + " in " + format(dims));
            }
        }
        numel(dims);
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[normalizeDim(i, dims.length)];
    }

    public int[] toArray() {
        return dims.clone();
    }

    public int numel() {
        return numel(dims);
    }

    /** Product of sizes; refuses shapes whose element count does not fit a Java array. */
    public static int numel(int[] dims) {
        for (int d : dims) if (d == 0) return 0;
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "shape " + format(dims) + " has more elements than a CPU storage can hold");
            }
        }
        return (int) n;
    }

    /** Row-major (C order) strides for {@code dims}. */
    public static int[] contiguousStrides(int[] dims) {
        int[] strides = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(dims[i], 1);
        }
        return strides;
    }

    /** Wraps a possibly negative dimension index; names the rank when it is out of range. */
    public static int normalizeDim(int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException("dimension " + dim + " out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /** NumPy broadcasting of two shapes; the message names both shapes and the op. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b)
                        + " cannot be broadcast (dim " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    public static String format(int[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(dims[i]);
        }
        return sb.append(dims.length == 1 ? ",)" : ")").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return format(dims);
    }
}
