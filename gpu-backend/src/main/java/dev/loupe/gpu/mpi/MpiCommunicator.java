package dev.loupe.gpu.mpi;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.CollectiveArgs;
import dev.loupe.tensor.dist.CommunicationException;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.LaunchEnvironment;
import dev.loupe.tensor.dist.Reduction;
import dev.loupe.tensor.dist.Work;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * MPI_COMM_WORLD as a {@link Communicator}, for host tensors. All MPI calls, MPI_Init_thread and
 * MPI_Finalize included, run on one thread of this communicator ("loupe-mpi", MPI_THREAD_FUNNELED),
 * one collective after another in issue order, so a collective overlaps the caller's work (the
 * backward pass) and every rank's collectives meet in the same order. Each collective copies its
 * input from the Java array into native memory, calls the blocking MPI function, and copies the result
 * back; AVERAGE is MPI_SUM divided by the world size on every rank.
 *
 * <p>A rank that dies without MPI_Finalize makes mpirun stop the others; MPI's default error
 * handler aborts the job on a transport error. A rank that hangs would leave the others blocked in
 * MPI, so a watchdog stops this process (status 1, which makes mpirun stop the job) when a collective
 * is not done {@code -Dloupe.dist.timeout} seconds (default 1800, as PyTorch's) after it was issued,
 * saying which collective waited.
 */
final class MpiCommunicator implements Communicator {
    private final MpiLibrary mpi;
    private final ExecutorService thread;
    private final int rank, worldSize;
    private final long timeoutSeconds;
    private final java.util.concurrent.ScheduledThreadPoolExecutor watchdog;
    private long issued;
    private boolean closed;
    // native staging, touched only on the MPI thread
    private Arena stagingArena;
    private MemorySegment send = MemorySegment.NULL, receive = MemorySegment.NULL;

    MpiCommunicator(MpiLibrary mpi, LaunchEnvironment env) {
        this.mpi = mpi;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "loupe-mpi");
            t.setDaemon(true); // a failed rank must be able to exit; mpirun then stops the others
            return t;
        });
        this.timeoutSeconds = Long.getLong("loupe.dist.timeout", 1800);
        if (timeoutSeconds < 1)
            throw new IllegalArgumentException("-Dloupe.dist.timeout must be >= 1 second, got " + timeoutSeconds);
        this.watchdog = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "loupe-mpi-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
        int[] rankAndSize = runNow(this::init);
        this.rank = rankAndSize[0];
        this.worldSize = rankAndSize[1];
        if (env.worldSize() > 1 && (env.worldSize() != worldSize || env.rank() != rank)) {
            throw new IllegalStateException(
                    "the launcher says " + env + " but MPI_COMM_WORLD says rank " + rank + " of " + worldSize);
        }
    }

    private int[] init() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment flag = a.allocate(JAVA_INT);
            mpi.call(mpi.finalized, "MPI_Finalized", flag);
            if (flag.get(JAVA_INT, 0) != 0)
                throw new IllegalStateException("MPI was finalised in this process and cannot start again");
            mpi.call(mpi.initialized, "MPI_Initialized", flag);
            if (flag.get(JAVA_INT, 0) != 0)
                throw new IllegalStateException(
                        "MPI is already initialised in this process (one MPI communicator per process)");
            MemorySegment provided = a.allocate(JAVA_INT);
            mpi.call(
                    mpi.initThread,
                    "MPI_Init_thread",
                    MemorySegment.NULL,
                    MemorySegment.NULL,
                    MpiLibrary.THREAD_FUNNELED,
                    provided);
            if (provided.get(JAVA_INT, 0) < MpiLibrary.THREAD_FUNNELED) {
                throw new IllegalStateException("MPI granted thread level " + provided.get(JAVA_INT, 0)
                        + ", Loupe needs MPI_THREAD_FUNNELED (1)");
            }
            MemorySegment v = a.allocate(JAVA_INT);
            mpi.call(mpi.commRank, "MPI_Comm_rank", mpi.abi.commWorld(), v);
            int r = v.get(JAVA_INT, 0);
            mpi.call(mpi.commSize, "MPI_Comm_size", mpi.abi.commWorld(), v);
            return new int[] {r, v.get(JAVA_INT, 0)};
        }
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
        return "mpi";
    }

    /** "Open MPI (libmpi.so.40)". */
    String implementation() {
        return mpi.abi.implementation() + " (" + mpi.path + ")";
    }

    @Override
    public Work allReduce(Tensor buffer, Reduction op) {
        CollectiveArgs.requireBuffer("allReduce", "buffer", buffer);
        int n = buffer.numel();
        return submit("allReduce", () -> {
            stage(buffer, n, n);
            mpi.call(
                    mpi.allreduce,
                    "MPI_Allreduce",
                    send,
                    receive,
                    n,
                    datatype(buffer),
                    mpi.abi.opSum(),
                    mpi.abi.commWorld());
            unstage(receive, 0, buffer, op);
        });
    }

    @Override
    public Work broadcast(Tensor buffer, int root) {
        CollectiveArgs.requireBuffer("broadcast", "buffer", buffer);
        CollectiveArgs.requireRoot("broadcast", root, worldSize);
        int n = buffer.numel();
        return submit("broadcast", () -> {
            stage(buffer, n, 0);
            mpi.call(mpi.bcast, "MPI_Bcast", send, n, datatype(buffer), root, mpi.abi.commWorld());
            unstage(send, 0, buffer, Reduction.SUM);
        });
    }

    @Override
    public Work allGather(Tensor input, Tensor output) {
        CollectiveArgs.requireAllGather(input, output, worldSize);
        int n = input.numel();
        Object type = datatype(input);
        return submit("allGather", () -> {
            stage(input, n, output.numel());
            mpi.call(mpi.allgather, "MPI_Allgather", send, n, type, receive, n, type, mpi.abi.commWorld());
            unstage(receive, 0, output, Reduction.SUM);
        });
    }

    @Override
    public Work reduceScatter(Tensor input, Tensor output, Reduction op) {
        CollectiveArgs.requireReduceScatter(input, output, worldSize);
        int n = output.numel();
        return submit("reduceScatter", () -> {
            stage(input, input.numel(), n);
            mpi.call(
                    mpi.reduceScatterBlock,
                    "MPI_Reduce_scatter_block",
                    send,
                    receive,
                    n,
                    datatype(input),
                    mpi.abi.opSum(),
                    mpi.abi.commWorld());
            unstage(receive, 0, output, op);
        });
    }

    @Override
    public Work barrier() {
        return submit("barrier", () -> mpi.call(mpi.barrier, "MPI_Barrier", mpi.abi.commWorld()));
    }

    private Object datatype(Tensor t) {
        return t.dtype() == DType.F32 ? mpi.abi.float32() : mpi.abi.float64();
    }

    /** Copies t's elements into the send buffer, making room for receiveElements in the receive buffer. */
    private void stage(Tensor t, int sendElements, int receiveElements) {
        long width = t.dtype().byteSize();
        ensureStaging(Math.max(1, sendElements) * width, Math.max(1, receiveElements) * width);
        CpuStorage s = host(t);
        if (t.dtype() == DType.F32)
            MemorySegment.copy(s.f32(), t.offset(), send, ValueLayout.JAVA_FLOAT, 0, sendElements);
        else MemorySegment.copy(s.f64(), t.offset(), send, ValueLayout.JAVA_DOUBLE, 0, sendElements);
    }

    /** Copies t.numel() elements from src back into t, divided by the world size for AVERAGE. */
    private void unstage(MemorySegment src, long from, Tensor t, Reduction op) {
        CpuStorage s = host(t);
        int n = t.numel(), off = t.offset();
        if (t.dtype() == DType.F32) {
            float[] a = s.f32();
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT, from, a, off, n);
            if (op == Reduction.AVERAGE) for (int i = off; i < off + n; i++) a[i] /= worldSize;
        } else {
            double[] a = s.f64();
            MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE, from, a, off, n);
            if (op == Reduction.AVERAGE) for (int i = off; i < off + n; i++) a[i] /= worldSize;
        }
    }

    private void ensureStaging(long sendBytes, long receiveBytes) {
        if (send.byteSize() >= sendBytes && receive.byteSize() >= receiveBytes) return;
        if (stagingArena != null) stagingArena.close();
        stagingArena = Arena.ofConfined();
        send = stagingArena.allocate(Math.max(sendBytes, send.byteSize()), 64);
        receive = stagingArena.allocate(Math.max(receiveBytes, receive.byteSize()), 64);
    }

    private static CpuStorage host(Tensor t) {
        if (!t.device().equals(Device.CPU)) {
            throw new IllegalArgumentException("the MPI communicator moves host tensors; " + t.shape() + " is on "
                    + t.device() + " (use --dist nccl for device buffers)");
        }
        return (CpuStorage) t.storage();
    }

    private interface Body {
        void run();
    }

    private synchronized Work submit(String what, Body body) {
        if (closed) throw new IllegalStateException("the MPI communicator is closed");
        long k = issued++;
        String name = what + " #" + k + " on rank " + rank;
        var future = new java.util.concurrent.CompletableFuture<java.util.concurrent.ScheduledFuture<?>>();
        var work = thread.submit(() -> {
            long started = System.nanoTime();
            try {
                body.run();
            } finally {
                future.thenAccept(w -> w.cancel(false));
            }
            return System.nanoTime() - started;
        });
        future.complete(watchdog.schedule(
                () -> {
                    if (work.isDone()) return;
                    System.err.println(
                            "loupe: rank " + rank + " of " + worldSize + ": " + name + " is not done " + timeoutSeconds
                                    + " s after it was issued; another rank is stuck or gone. Stopping (-Dloupe.dist.timeout sets the limit).");
                    System.err.flush();
                    Runtime.getRuntime().halt(1);
                },
                timeoutSeconds,
                TimeUnit.SECONDS));
        return Work.of(work, name);
    }

    private <T> T runNow(Callable<T> task) {
        try {
            return thread.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new CommunicationException("MPI start-up failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommunicationException("interrupted during MPI start-up", e);
        }
    }

    /** Waits for the issued collectives, then MPI_Finalize (MPI cannot start again in this process). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        runNow(() -> {
            if (stagingArena != null) stagingArena.close();
            mpi.call(mpi.finalizeMpi, "MPI_Finalize");
            return null;
        });
        thread.shutdown();
        watchdog.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
