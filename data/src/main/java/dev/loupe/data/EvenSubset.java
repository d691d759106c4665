package dev.loupe.data;

import java.util.List;
import java.util.Objects;

/**
 * The first-to-last evenly spaced {@code size} samples of a data set (sample i of the subset is
 * sample floor(i * n / size) of the whole), so a subset of a class-interleaved split keeps its class
 * mix. A size of at least the data set's is the whole data set.
 */
public final class EvenSubset implements Dataset {
    private final Dataset whole;
    private final int size;

    private EvenSubset(Dataset whole, int size) {
        this.whole = whole;
        this.size = size;
    }

    /** {@code whole} itself when {@code limit} is 0 or covers it, else the evenly spaced subset. */
    public static Dataset of(Dataset whole, int limit) {
        if (limit < 0)
            throw new IllegalArgumentException("subset of '" + whole.name() + "': limit must be >= 0, got " + limit);
        if (limit == 0 || limit >= whole.size()) return whole;
        return new EvenSubset(whole, limit);
    }

    @Override
    public String name() {
        return whole.name() + "[" + size + " of " + whole.size() + "]";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Sample get(int index) {
        Objects.checkIndex(index, size);
        return whole.get((int) ((long) index * whole.size() / size));
    }

    @Override
    public String caption(int index) {
        Objects.checkIndex(index, size);
        return whole.caption((int) ((long) index * whole.size() / size));
    }

    @Override
    public List<String> classNames() {
        return whole.classNames();
    }
}
