package dev.loupe.gpu.cuda;

import dev.loupe.gpu.cuda.internal.NcclLibrary;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.CollectiveArgs;
import dev.loupe.tensor.dist.CommunicationException;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;
import dev.loupe.tensor.dist.Work;
import java.lang.foreign.MemorySegment;

/**
 * An NCCL communicator on one CUDA device, for tensors on that device. Each collective goes onto the device's
 * own stream, after the kernels that computed its input (the backward pass's gradients) and before the kernels
 * issued later, so nothing waits on the host until {@link Work#await}; the handle is an event recorded after
 * the collective. AVERAGE is ncclAvg; barrier is an all-reduce of one float, as in PyTorch.
 *
 * <p>A rank that died leaves NCCL's kernels spinning, so {@link Work#await} polls the event and
 * ncclCommGetAsyncError, and aborts the communicator with a message naming the collective when it reports an
 * error or is not done {@code -Dloupe.dist.timeout} seconds (default 1800) after the wait began.
 *
 * <p>The other ranks' unique id arrives before construction ({@link NcclCommunicatorProvider}); {@code
 * bootstrap} is the communicator that carried it (MPI under mpirun), closed with this one, or null.
 */
final class NcclCommunicator implements Communicator {
    private static final long POLL_NANOS = 50_000;

    private final NcclLibrary nccl;
    private final CudaDevice device;
    private final MemorySegment comm;
    private final int rank, worldSize;
    private final long timeoutNanos;
    private final Communicator bootstrap;
    private Tensor barrierFlag;
    private long issued;
    private boolean closed;

    NcclCommunicator(
            NcclLibrary nccl, CudaDevice device, byte[] uniqueId, int rank, int worldSize, Communicator bootstrap) {
        this.nccl = nccl;
        this.device = device;
        this.rank = rank;
        this.worldSize = worldSize;
        this.bootstrap = bootstrap;
        long seconds = Long.getLong("loupe.dist.timeout", 1800);
        if (seconds < 1) throw new IllegalArgumentException("-Dloupe.dist.timeout must be >= 1 second, got " + seconds);
        this.timeoutNanos = seconds * 1_000_000_000L;
        this.comm = device.withContext(() -> nccl.commInitRank(worldSize, uniqueId, rank));
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return worldSize;
    }

    @Override
    public String kind() {
        return "nccl";
    }

    /** The device this communicator's tensors live on. */
    Device device() {
        return device.device();
    }

    @Override
    public Work allReduce(Tensor buffer, Reduction op) {
        CollectiveArgs.requireBuffer("allReduce", "buffer", buffer);
        long p = device.address(buffer);
        return submit(
                "allReduce",
                buffer.numel(),
                s -> nccl.allReduce(p, p, buffer.numel(), type(buffer), reduction(op), comm, s));
    }

    @Override
    public Work broadcast(Tensor buffer, int root) {
        CollectiveArgs.requireBuffer("broadcast", "buffer", buffer);
        CollectiveArgs.requireRoot("broadcast", root, worldSize);
        long p = device.address(buffer);
        return submit(
                "broadcast", buffer.numel(), s -> nccl.broadcast(p, p, buffer.numel(), type(buffer), root, comm, s));
    }

    @Override
    public Work allGather(Tensor input, Tensor output) {
        CollectiveArgs.requireAllGather(input, output, worldSize);
        long in = device.address(input), out = device.address(output);
        return submit("allGather", input.numel(), s -> nccl.allGather(in, out, input.numel(), type(input), comm, s));
    }

    @Override
    public Work reduceScatter(Tensor input, Tensor output, Reduction op) {
        CollectiveArgs.requireReduceScatter(input, output, worldSize);
        long in = device.address(input), out = device.address(output);
        return submit(
                "reduceScatter",
                output.numel(),
                s -> nccl.reduceScatter(in, out, output.numel(), type(input), reduction(op), comm, s));
    }

    @Override
    public Work barrier() {
        if (barrierFlag == null) barrierFlag = Tensor.zeros(device.device(), DType.F32, 1);
        return allReduce(barrierFlag, Reduction.SUM);
    }

    private static int type(Tensor t) {
        return t.dtype() == DType.F32 ? NcclLibrary.FLOAT32 : NcclLibrary.FLOAT64;
    }

    private static int reduction(Reduction op) {
        return op == Reduction.AVERAGE ? NcclLibrary.AVG : NcclLibrary.SUM;
    }

    private synchronized Work submit(String what, long elements, CudaDevice.StreamWork work) {
        if (closed) throw new IllegalStateException("the NCCL communicator is closed");
        String name = what + " #" + issued++ + " on rank " + rank + " (" + device.device() + ")";
        if (elements == 0) return Work.completed(); // every rank skips it alike: the sizes match on all ranks
        MemorySegment[] events = device.enqueue(work);
        return new EventWork(name, events[0], events[1]);
    }

    /** The handle of one collective: the events recorded around it on the device's stream. */
    private final class EventWork implements Work {
        private final String name;
        private final MemorySegment before, after;
        private long busyNanos = -1;

        EventWork(String name, MemorySegment before, MemorySegment after) {
            this.name = name;
            this.before = before;
            this.after = after;
        }

        @Override
        public synchronized void await() {
            if (busyNanos >= 0) return;
            long started = System.nanoTime();
            while (!device.withContext(() -> device.driver().isDone(after))) {
                int error = device.withContext(() -> nccl.asyncError(comm));
                if (error != NcclLibrary.SUCCESS && error != NcclLibrary.IN_PROGRESS) {
                    String why = nccl.describe(name, error, comm);
                    nccl.abort(comm);
                    throw new CommunicationException(why + "; the communicator was aborted");
                }
                if (System.nanoTime() - started > timeoutNanos) {
                    nccl.abort(comm);
                    throw new CommunicationException("rank " + rank + " of " + worldSize + ": " + name
                            + " is not done " + timeoutNanos / 1_000_000_000L
                            + " s after the wait began; another rank is stuck or gone. The communicator was aborted "
                            + "(-Dloupe.dist.timeout sets the limit)");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
            }
            busyNanos = device.withContext(() -> {
                long ns = Math.round(device.driver().elapsedMillis(before, after) * 1e6);
                device.driver().destroyEvent(before);
                device.driver().destroyEvent(after);
                return ns;
            });
        }

        @Override
        public boolean isDone() {
            return busyNanos >= 0 || device.withContext(() -> device.driver().isDone(after));
        }

        @Override
        public long busyNanos() {
            if (!isDone()) throw new IllegalStateException(name + " is still running; await it first");
            await();
            return busyNanos;
        }
    }

    /** Waits for the issued collectives (ncclCommDestroy), then closes the bootstrap communicator. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        device.withContext(() -> {
            nccl.destroy(comm);
            return null;
        });
        if (bootstrap != null) bootstrap.close();
    }
}
