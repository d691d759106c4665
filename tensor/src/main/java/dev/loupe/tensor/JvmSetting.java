package dev.loupe.tensor;

/** Reads the engine's numeric {@code -Dloupe.*} settings, with one error for a bad value. */
public final class JvmSetting {
    private JvmSetting() {}

    /**
     * The whole number in system property {@code name}, {@code fallback} when it is unset or blank.
     *
     * @throws IllegalArgumentException naming the property and the value when it is not a whole number >= min
     */
    public static long wholeNumber(String name, long fallback, long min) {
        String p = System.getProperty(name);
        if (p == null || p.isBlank()) return fallback;
        try {
            long v = Long.parseLong(p.strip());
            if (v >= min) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + name + " must be a whole number >= " + min + ", got '" + p + "'");
    }
}
