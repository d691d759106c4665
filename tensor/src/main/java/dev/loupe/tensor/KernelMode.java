package dev.loupe.tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Which CPU kernels run: the Vector API ones or their scalar twins.
 * {@code -Dloupe.kernels=scalar} selects the twins (the oracle in tests, and a fallback on machines
 * where the Vector API misbehaves); {@code vector} (default) the SIMD kernels.
 * Read once at class initialisation: a fixed choice per process, not mutable state.
 */
public final class KernelMode {
    public static final boolean SCALAR = "scalar".equalsIgnoreCase(System.getProperty("loupe.kernels", "vector"));

    private KernelMode() {}

    /** A human-readable line for {@code loupe info}. */
    public static String describe() {
        return SCALAR
                ? "scalar (twins selected by -Dloupe.kernels=scalar)"
                : "vector, " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit species ("
                        + FloatVector.SPECIES_PREFERRED.length() + " floats)";
    }
}
