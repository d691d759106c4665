package dev.loupe.data.loader;

/**
 * The seeds a {@link Loader} derives from the run seed. Each is a pure function of its arguments, so
 * a permutation or a sample's augmentation is the same whatever the worker count, the rank or the batch
 * a resumed run starts from.
 */
public final class LoaderSeeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long SAMPLE_STREAM = 0x5A3F1E2D4C6B7A89L;

    private LoaderSeeds() {}

    /** Two 64-bit values mixed into one with the SplitMix64 finaliser (order matters). */
    public static long mix(long a, long b) {
        return finish(finish(a + GOLDEN_GAMMA) ^ (b * GOLDEN_GAMMA + SAMPLE_STREAM));
    }

    /** The seed of epoch e's permutation: {@code mix(seed, epoch)}. */
    public static long permutation(long seed, int epoch) {
        return mix(seed, epoch);
    }

    /** The seed of the augmentation of data set index i in epoch e, kept apart from the permutation's. */
    public static long sample(long seed, int epoch, int index) {
        return mix(mix(mix(seed, SAMPLE_STREAM), epoch), index);
    }

    private static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
