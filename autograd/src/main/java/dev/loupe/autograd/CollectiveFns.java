package dev.loupe.autograd;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;

/**
 * Collectives with gradients, for losses that look across ranks (contrastive losses over the global
 * batch, synchronised batch statistics). Each rank's backward gets the gradient of the SUM of all
 * ranks' losses with respect to its own input, so that data-parallel gradient averaging then yields
 * the gradient of the global mean loss. Every rank must call them in the same order, and run backward.
 * With one rank they return their input unchanged and record nothing.
 */
final class CollectiveFns {
    private CollectiveFns() {}

    // x: (n, ...) -> (W n, ...), rank r's rows at [r n, (r + 1) n); backward: block r of the sum of all ranks'
    // gradients
    static Var allGather(Var x, Communicator comm) {
        if (comm.worldSize() == 1) return x;
        int w = comm.worldSize();
        int[] shape = x.sizes();
        if (shape.length == 0) throw new IllegalArgumentException("allGather: needs at least one dim, got a scalar");
        int[] gathered = shape.clone();
        gathered[0] = shape[0] * w;
        Tensor out = Tensor.empty(x.dtype(), gathered);
        comm.allGather(x.data().contiguous(), out).await();
        return Var.record("allGather", out, new Var[] {x}, new Var[0], g -> {
            Tensor mine = Tensor.empty(g.dtype(), shape);
            comm.reduceScatter(g.contiguous(), mine, Reduction.SUM).await();
            return new Tensor[] {mine};
        });
    }

    // y = sum over ranks of x; backward: the sum over ranks of dL/dy
    static Var allReduceSum(Var x, Communicator comm) {
        if (comm.worldSize() == 1) return x;
        Tensor out = x.data().copy();
        comm.allReduce(out, Reduction.SUM).await();
        return Var.record("allReduceSum", out, new Var[] {x}, new Var[0], g -> {
            Tensor sum = g.copy();
            comm.allReduce(sum, Reduction.SUM).await();
            return new Tensor[] {sum};
        });
    }
}
