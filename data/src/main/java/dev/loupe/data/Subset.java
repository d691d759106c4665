package dev.loupe.data;

import dev.loupe.tensor.Rng;
import java.util.Arrays;
import java.util.List;

/** The samples of a data set at fixed indices, in that order. */
public final class Subset implements Dataset {
    private final Dataset base;
    private final String name;
    private final int[] indices;

    /** {@code split} names the subset in logs: "BASE/split". */
    public Subset(Dataset base, String split, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= base.size())
                throw new IllegalArgumentException(base.name() + " has " + base.size() + " samples, no index " + i);
        }
        this.base = base;
        this.name = base.name() + "/" + split;
        this.indices = indices.clone();
    }

    /** A training and a test split of one data set. */
    public record Split(Dataset train, Dataset test) {}

    /**
     * Holds out round(n * testFraction) samples drawn by a permutation from {@code seed} as "test" (in
     * drawn order); the rest, in their order, is "train". The same seed gives the same split.
     */
    public static Split holdOut(Dataset all, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1))
            throw new IllegalArgumentException("--test-fraction must be in (0, 1), got " + testFraction);
        int n = all.size();
        int nTest = (int) Math.round(n * testFraction);
        if (nTest < 1 || nTest >= n) {
            throw new IllegalArgumentException(all.name() + " has " + n
                    + " samples: too few to hold out a test fraction of " + testFraction + "; pass --test-data");
        }
        int[] order = new Rng(seed).permutation(n);
        int[] rest = Arrays.copyOfRange(order, nTest, n);
        Arrays.sort(rest);
        return new Split(new Subset(all, "train", rest), new Subset(all, "test", Arrays.copyOfRange(order, 0, nTest)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Sample get(int index) {
        return base.get(indices[index]);
    }

    @Override
    public String caption(int index) {
        return base.caption(indices[index]);
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }
}
