package dev.loupe.data;

/** What the loader does with a {@link BadSampleException} ({@code --on-bad-sample fail|skip}). */
public enum BadSamplePolicy {
    /** Stop with the exception (the default): the file and the reason reach the user. */
    FAIL,
    /** Leave the sample out, count it and log it; the count is reported at the end of the epoch. */
    SKIP;

    public static BadSamplePolicy parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "fail" -> FAIL;
            case "skip" -> SKIP;
            default -> throw new IllegalArgumentException("--on-bad-sample takes fail or skip, got '" + s + "'");
        };
    }
}
