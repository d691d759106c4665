package dev.loupe.tensor.dist;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The handle of an asynchronous collective. Until {@link #await} returns, the collective's buffers
 * belong to the communicator: the caller must neither read its output nor write its input.
 */
public interface Work {
    /** Blocks until the collective is done; a failure surfaces here as a {@link CommunicationException}. */
    void await();

    boolean isDone();

    /**
     * Once done: how long the communicator's thread spent on this collective, waiting for the other
     * ranks included (0 where nothing ran). Compared with the time the caller waited in {@link #await},
     * it tells how much communication overlapped the caller's work.
     */
    long busyNanos();

    /** A collective that finished when it was issued (one rank, nothing to move). */
    static Work completed() {
        return new Work() {
            @Override
            public void await() {}

            @Override
            public boolean isDone() {
                return true;
            }

            @Override
            public long busyNanos() {
                return 0;
            }
        };
    }

    /** The handle of a collective running as {@code future} on a communicator's own thread; its value is the nanoseconds it took. */
    static Work of(Future<Long> future, String what) {
        return new Work() {
            @Override
            public void await() {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof CommunicationException ce)
                        throw new CommunicationException(ce.getMessage(), ce);
                    throw new CommunicationException(what + " failed: " + cause, cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CommunicationException("interrupted while waiting for " + what, e);
                } catch (CancellationException e) {
                    throw new CommunicationException(what + " was cancelled (communicator closed?)", e);
                }
            }

            @Override
            public boolean isDone() {
                return future.isDone();
            }

            @Override
            public long busyNanos() {
                if (!future.isDone()) throw new IllegalStateException(what + " is still running; await it first");
                await();
                return future.resultNow();
            }
        };
    }
}
