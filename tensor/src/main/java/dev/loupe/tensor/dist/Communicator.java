package dev.loupe.tensor.dist;

import dev.loupe.tensor.Tensor;

/**
 * Collective communication between the ranks of a data-parallel job (one process per device, or
 * threads as ranks in tests). Implementations: {@link #single()} (one rank), {@link InProcessGroup}
 * (threads), and, through {@link CommunicatorProvider}, MPI and NCCL in loupe-gpu-backend.
 *
 * <p>Every rank must issue the same collectives in the same order with the same sizes and dtypes.
 * Each call returns at once with a {@link Work}; the collectives of one communicator run one after
 * another in the order they were issued, so awaiting the last one awaits all. Buffers are contiguous
 * tensors (F32 or F64) on a device the implementation serves; while a collective runs, its output
 * must not be read and its input must not be written.
 *
 * <p>Threading: issue collectives from one thread at a time (the training loop's).
 */
public interface Communicator extends AutoCloseable {
    int rank();

    int worldSize();

    /** What carries the data: "single", "in-process", "mpi", "nccl". */
    String kind();

    /** buffer (n), in place: every rank ends with the reduction of all ranks' buffers. */
    Work allReduce(Tensor buffer, Reduction op);

    /** buffer (n), in place: every rank ends with the root's buffer. */
    Work broadcast(Tensor buffer, int root);

    /** input (n) -> output (worldSize * n): rank r's input lands at [r n, (r + 1) n). */
    Work allGather(Tensor input, Tensor output);

    /** input (worldSize * n) -> output (n): block r of the reduction of all ranks' inputs lands on rank r. */
    Work reduceScatter(Tensor input, Tensor output, Reduction op);

    /** Done when every rank has reached it. */
    Work barrier();

    /** Waits for the collectives issued so far and releases the transport; later calls fail. */
    @Override
    void close();

    /** The communicator of a job with one rank: every collective is a copy or nothing. */
    static Communicator single() {
        return SingleProcess.INSTANCE;
    }
}
