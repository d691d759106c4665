package dev.loupe.autograd;

/**
 * Whether ops record the graph on the current thread. A no-grad scope (evaluation, EMA updates,
 * optimiser steps) records nothing: ops then cost exactly their tensor kernels.
 *
 * <pre>{@code
 * try (var scope = GradMode.disable()) {
 *     Var logits = model.forward(x);   // no graph
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Disables recording until the returned scope is closed; scopes nest. */
    public static Scope disable() {
        return set(false);
    }

    /** Re-enables recording inside a no-grad scope until closed. */
    public static Scope enable() {
        return set(true);
    }

    private static Scope set(boolean on) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = on;
        return () -> flag[0] = previous;
    }

    /** Restores the previous mode on close. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
