package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * A lookup table: row i of weight (num, dim) is the vector of id i (torch.nn.Embedding).
 * Shape: ids (...) of I64 or I32 -> (..., dim). Init normal(0, std), std .02 by default (CLIP's
 * token embedding; torch's own default is 1). Repeated ids accumulate their gradients.
 */
public final class Embedding extends Module {
    public final Var weight;
    private final int num, dim;

    public Embedding(int num, int dim, Rng rng) {
        this(num, dim, 0.02, rng);
    }

    public Embedding(int num, int dim, double std, Rng rng) {
        if (num < 1 || dim < 1)
            throw new IllegalArgumentException("Embedding(" + num + ", " + dim + "): sizes must be >= 1");
        this.num = num;
        this.dim = dim;
        this.weight = param("weight", Tensor.randn(rng, num, dim).mul(std));
    }

    public Var forward(Tensor ids) {
        if (ids.dtype() != DType.I64 && ids.dtype() != DType.I32) {
            throw new IllegalArgumentException("Embedding(" + num + ", " + dim + "): ids must be I64 or I32, got "
                    + ids.dtype() + " of shape " + ids.shape());
        }
        int[] shape = new int[ids.rank() + 1];
        System.arraycopy(ids.sizes(), 0, shape, 0, ids.rank());
        shape[ids.rank()] = dim;
        // ids flattened to (M) so one index_select gathers every row; its backward scatter-adds, so repeats accumulate
        return weight.indexSelect(0, ids.reshape(ids.numel())).reshape(shape);
    }

    public int numEmbeddings() {
        return num;
    }

    public int embeddingDim() {
        return dim;
    }
}
