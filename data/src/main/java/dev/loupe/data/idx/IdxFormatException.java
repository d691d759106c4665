package dev.loupe.data.idx;

/**
 * An IDX file that cannot be read as one: a wrong magic number or element type, a bad dimension, a
 * payload shorter or longer than its header promises, a truncated or corrupt gzip stream. The message
 * starts with the file name and says what was expected and what was found.
 */
public final class IdxFormatException extends RuntimeException {
    public IdxFormatException(String message) {
        super(message);
    }

    public IdxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
