package dev.loupe.tensor.dist;

/** A collective failed: a transport error, a rank that did not arrive in time, or ranks that disagree on the call. */
public final class CommunicationException extends RuntimeException {
    public CommunicationException(String message) {
        super(message);
    }

    public CommunicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
