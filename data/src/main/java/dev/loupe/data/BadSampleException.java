package dev.loupe.data;

/**
 * A sample that cannot be used: an unreadable or corrupt image, a truncated archive member, a missing
 * caption. The message names the file (and member or index) and the reason; the loader either stops
 * with it or skips and counts it, by {@link BadSamplePolicy}.
 */
public final class BadSampleException extends RuntimeException {
    private final String source;

    public BadSampleException(String source, String reason) {
        super(source + ": " + reason);
        this.source = source;
    }

    public BadSampleException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.source = source;
    }

    /** The file, archive member or index the bad sample came from. */
    public String source() {
        return source;
    }
}
