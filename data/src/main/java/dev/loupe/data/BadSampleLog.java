package dev.loupe.data;

import java.io.PrintStream;

/**
 * Where skipped bad samples ({@code --on-bad-sample skip}) are reported: one plain line per sample,
 * {@code "skipped bad sample (fashion-mnist/train epoch 0): /data/x.png: corrupt PNG image: ..."},
 * rather than a logging framework's two-line records. The counts are kept by the caller (the loader,
 * the vocabulary pass), so a log may drop lines without losing the numbers.
 */
@FunctionalInterface
public interface BadSampleLog {
    /**
     * One bad sample left out.
     *
     * @param where the pass that met it, e.g. "fashion-mnist/train epoch 0" or "vocabulary of shapes/train"
     */
    void skipped(String where, BadSampleException e);

    /** The log on standard error (looked up at each line, so a redirected System.err is followed). */
    static BadSampleLog standardError() {
        return (where, e) -> System.err.println(line(where, e));
    }

    /** The log on {@code out}. */
    static BadSampleLog to(PrintStream out) {
        return (where, e) -> out.println(line(where, e));
    }

    /** A log that drops the lines (the counts remain with the caller). */
    static BadSampleLog silent() {
        return (where, e) -> {};
    }

    /** The line for one skip; line breaks in the reason are shown as spaces, so it stays one line. */
    static String line(String where, BadSampleException e) {
        return ("skipped bad sample (" + where + "): " + e.getMessage()).replaceAll("[\\r\\n]+", " ");
    }
}
