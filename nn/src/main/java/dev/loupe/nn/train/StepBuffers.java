package dev.loupe.nn.train;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.nn.optim.Optimizer;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.tensor.BufferPool;
import dev.loupe.tensor.Tensor;
import java.util.function.Supplier;

/**
 * The host arrays of one training step, reused by the next. While a step runs, every tensor its forward pass,
 * loss and optimiser update make through {@code emptyLike} on the calling thread (the activations autograd saves
 * for backward among them) comes from one {@link BufferPool}; when the step ends they all go back, except what
 * outlives it: the module's parameters and buffers (a teacher, centres, running statistics), the optimiser's
 * state, the parameters' gradients and the step's result when it is a tensor. So a steady-state step allocates almost nothing (backward already draws
 * from its own pool).
 *
 * <p>The contract this rests on: a step keeps no tensor it made anywhere but in that state (every built-in
 * objective keeps its running state as module buffers, which exact resume requires anyway). A step that broke it
 * would read a recycled array later; {@code -Dloupe.buffer.poison=true} fills reused arrays with NaN so that such a
 * read shows, and {@code -Dloupe.buffer.pool=off} turns the reuse off. Confined to one thread at a time.
 */
public final class StepBuffers {
    /**
     * Idle between two steps only, so outside the cap on all pools together (which would otherwise crowd out the
     * inference pools of the evaluations between steps); its own cap is half the heap.
     */
    private final BufferPool pool = BufferPool.withOwnCap(Runtime.getRuntime().maxMemory() / 2);

    /**
     * Runs {@code step} (forward, backward, optimiser update) with its arrays drawn from this pool; returns its result
     * (a tensor result is kept past the step).
     */
    public <T> T run(Module module, Optimizer optimizer, Supplier<T> step) {
        if (!BufferPool.enabled()) return step.get();
        try (BufferPool.Scope scope = pool.open()) {
            T result = step.get();
            if (result instanceof Tensor t) scope.keep(t);
            for (Tensor t : module.stateDict().values()) scope.keep(t);
            for (Tensor t : optimizer.stateDict().values()) scope.keep(t);
            for (ParamGroup g : optimizer.groups())
                for (Var p : g.params().values()) if (p.grad() != null) scope.keep(p.grad());
            return result;
        }
    }

    /** Arrays handed out again instead of allocated, and arrays allocated, so far. */
    public long reused() {
        return pool.reused();
    }

    public long created() {
        return pool.created();
    }
}
