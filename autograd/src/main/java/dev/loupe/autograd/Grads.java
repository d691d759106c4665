package dev.loupe.autograd;

import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Tensor;

/** Gradient plumbing shared by the rules. */
final class Grads {
    private Grads() {}

    /**
     * Sums a gradient of a broadcast result back to the shape of the input that was broadcast:
     * leading extra dims are summed away, dims where the input had size 1 are summed with keepdim.
     */
    static Tensor sumToShape(Tensor grad, int[] shape, String op) {
        int[] g = grad.sizes();
        if (java.util.Arrays.equals(g, shape)) return grad;
        int extra = g.length - shape.length;
        if (extra < 0) {
            throw new IllegalStateException("backward of " + op + ": gradient " + Shape.format(g)
                    + " has fewer dims than its input " + Shape.format(shape));
        }
        int[] dims = new int[g.length];
        int n = 0;
        for (int i = 0; i < g.length; i++) {
            if (i < extra || (shape[i - extra] == 1 && g[i] != 1)) dims[n++] = i;
            else if (shape[i - extra] != g[i]) {
                throw new IllegalStateException("backward of " + op + ": gradient " + Shape.format(g)
                        + " does not broadcast from input " + Shape.format(shape));
            }
        }
        Tensor r = n == 0 ? grad : grad.sum(true, java.util.Arrays.copyOf(dims, n));
        return r.reshape(shape);
    }
}
