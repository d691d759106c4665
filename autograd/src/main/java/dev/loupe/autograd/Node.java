package dev.loupe.autograd;

/**
 * A recorded op: its inputs, its gradient rule, and the versions of the inputs whose values the rule
 * reads, so that modifying one of them in place before backward is caught instead of giving a wrong
 * gradient.
 */
final class Node {
    final String op;
    final Var[] inputs;
    final Backward backward;
    private final Var[] saved;
    private final long[] savedVersions;

    Node(String op, Var[] inputs, Var[] saved, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
        this.saved = saved;
        this.savedVersions = new long[saved.length];
        for (int i = 0; i < saved.length; i++) savedVersions[i] = saved[i].version();
    }

    void checkSavedUnchanged() {
        for (int i = 0; i < saved.length; i++) {
            if (saved[i].version() != savedVersions[i]) {
                throw new IllegalStateException("backward of " + op + ": an input of shape "
                        + saved[i].data().shape()
                        + " it saved was modified in place after the op ran (version " + savedVersions[i] + " -> "
                        + saved[i].version() + "); clone it before modifying");
            }
        }
    }
}
