package dev.loupe.autograd;

import dev.loupe.tensor.Tensor;

/**
 * The gradient rule of one recorded op: given dL/d(output), returns dL/d(input) for each input in
 * order (null where an input needs none). A returned gradient may have the broadcast (output) shape;
 * the engine sums it back to the input's shape.
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(Tensor gradOutput);
}
