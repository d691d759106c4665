package dev.loupe.tensor.dist;

import dev.loupe.tensor.Tensor;

/** Rank 0 of a world of one: reductions and broadcasts leave the buffer as it is; gathers and scatters copy. */
final class SingleProcess implements Communicator {
    static final SingleProcess INSTANCE = new SingleProcess();

    private SingleProcess() {}

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int worldSize() {
        return 1;
    }

    @Override
    public String kind() {
        return "single";
    }

    @Override
    public Work allReduce(Tensor buffer, Reduction op) {
        CollectiveArgs.requireBuffer("allReduce", "buffer", buffer);
        return Work.completed();
    }

    @Override
    public Work broadcast(Tensor buffer, int root) {
        CollectiveArgs.requireBuffer("broadcast", "buffer", buffer);
        CollectiveArgs.requireRoot("broadcast", root, 1);
        return Work.completed();
    }

    @Override
    public Work allGather(Tensor input, Tensor output) {
        CollectiveArgs.requireAllGather(input, output, 1);
        output.copyFrom(input.reshape(output.sizes()));
        return Work.completed();
    }

    @Override
    public Work reduceScatter(Tensor input, Tensor output, Reduction op) {
        CollectiveArgs.requireReduceScatter(input, output, 1);
        output.copyFrom(input.reshape(output.sizes()));
        return Work.completed();
    }

    @Override
    public Work barrier() {
        return Work.completed();
    }

    @Override
    public void close() {}
}
