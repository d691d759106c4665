package dev.loupe.autograd;

import dev.loupe.tensor.Tensor;

/** Indexing: the backward of a read at indices is a scatter-add of the gradient to them. */
final class IndexFns {
    private IndexFns() {}

    static Var gather(Var a, int dim, Tensor index) {
        Tensor x = a.data();
        return Var.record("gather", x.gather(dim, index), new Var[] {a}, new Var[0], g ->
                new Tensor[] {Tensor.zeros(g.device(), g.dtype(), x.sizes()).scatterAdd(dim, index, g)});
    }

    static Var indexSelect(Var a, int dim, Tensor index) {
        Tensor x = a.data();
        int d = dim < 0 ? dim + x.rank() : dim;
        return Var.record("index_select", x.indexSelect(d, index), new Var[] {a}, new Var[0], g -> {
            // index (n) viewed as (1.., n, 1..) and broadcast to g's shape, so scatter_add sees one index per element
            int[] shape = new int[g.rank()];
            java.util.Arrays.fill(shape, 1);
            shape[d] = index.numel();
            Tensor full = index.reshape(shape).expand(g.sizes());
            return new Tensor[] {Tensor.zeros(g.device(), g.dtype(), x.sizes()).scatterAdd(d, full, g)};
        });
    }

    static Var where(Tensor cond, Var a, Var b) {
        Tensor out = Tensor.where(cond, a.data(), b.data());
        return Var.record("where", out, new Var[] {a, b}, new Var[0], g -> {
            Tensor zero = Tensor.zeros(g.device(), g.dtype(), 1);
            return new Tensor[] {Tensor.where(cond, g, zero), Tensor.where(cond, zero, g)};
        });
    }
}
