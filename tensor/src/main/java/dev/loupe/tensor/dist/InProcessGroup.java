package dev.loupe.tensor.dist;

import dev.loupe.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Threads as ranks: a group of {@code worldSize} communicators in one JVM, for tests of everything
 * built on {@link Communicator}. Collective number k of every rank meets at one rendezvous; each rank
 * leaves a copy of its input there and computes its own output from all copies in rank order, so all
 * ranks get bitwise the same result. Ranks that disagree on collective k (kind, size, dtype, root) get
 * an error naming both calls; a rank that does not arrive within the timeout fails the others.
 */
public final class InProcessGroup {
    private final int worldSize;
    private final Duration timeout;
    private final Map<Long, Rendezvous> open = new ConcurrentHashMap<>();

    public InProcessGroup(int worldSize, Duration timeout) {
        if (worldSize < 1) throw new IllegalArgumentException("world size must be >= 1, got " + worldSize);
        this.worldSize = worldSize;
        this.timeout = timeout;
    }

    public InProcessGroup(int worldSize) {
        this(worldSize, Duration.ofMinutes(2));
    }

    /** The communicator of one rank; each has its own thread, which runs its collectives in issue order. */
    public Communicator communicator(int rank) {
        CollectiveArgs.requireRoot("communicator", rank, worldSize);
        return new RankCommunicator(rank);
    }

    /**
     * Runs {@code body} on worldSize threads, rank r with its communicator, and returns the results in
     * rank order; the first failure is rethrown (as the cause of an {@link IllegalStateException}).
     */
    public static <T> List<T> run(int worldSize, Function<Communicator, T> body) {
        InProcessGroup group = new InProcessGroup(worldSize);
        ExecutorService ranks = Executors.newFixedThreadPool(worldSize, r -> {
            Thread t = new Thread(r, "loupe-rank");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                int rank = r;
                futures.add(ranks.submit(() -> {
                    try (Communicator c = group.communicator(rank)) {
                        return body.apply(c);
                    }
                }));
            }
            List<T> results = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                try {
                    results.add(futures.get(r).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(
                            "rank " + r + " of " + worldSize + " failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return results;
        } finally {
            ranks.shutdownNow();
        }
    }

    /** What a rank asked for at one rendezvous, compared across ranks. */
    private record Call(String kind, int elements, String dtype, int root) {}

    /** Collective number k: the ranks' input copies and calls. */
    private final class Rendezvous {
        final Object[] inputs = new Object[worldSize];
        final Call[] calls = new Call[worldSize];
        final CountDownLatch arrived = new CountDownLatch(worldSize);
        final AtomicInteger left = new AtomicInteger(worldSize);
    }

    private final class RankCommunicator implements Communicator {
        private final int rank;
        private final ExecutorService thread;
        private long issued;
        private volatile boolean closed;

        RankCommunicator(int rank) {
            this.rank = rank;
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "loupe-in-process-rank-" + rank);
                t.setDaemon(true);
                return t;
            });
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
            return "in-process";
        }

        @Override
        public Work allReduce(Tensor buffer, Reduction op) {
            CollectiveArgs.requireBuffer("allReduce", "buffer", buffer);
            return submit(
                    new Call("allReduce " + op, buffer.numel(), buffer.dtype().toString(), -1),
                    buffer,
                    inputs -> HostArrays.write(HostArrays.reduce(inputs, 0, buffer.numel(), op), 0, buffer));
        }

        @Override
        public Work broadcast(Tensor buffer, int root) {
            CollectiveArgs.requireBuffer("broadcast", "buffer", buffer);
            CollectiveArgs.requireRoot("broadcast", root, worldSize);
            return submit(
                    new Call("broadcast", buffer.numel(), buffer.dtype().toString(), root),
                    buffer,
                    inputs -> HostArrays.write(inputs[root], 0, buffer));
        }

        @Override
        public Work allGather(Tensor input, Tensor output) {
            CollectiveArgs.requireAllGather(input, output, worldSize);
            int n = input.numel();
            return submit(new Call("allGather", n, input.dtype().toString(), -1), input, inputs -> {
                Tensor flat = output.reshape(output.numel());
                for (int r = 0; r < worldSize; r++) HostArrays.write(inputs[r], 0, flat.narrow(0, r * n, n));
            });
        }

        @Override
        public Work reduceScatter(Tensor input, Tensor output, Reduction op) {
            CollectiveArgs.requireReduceScatter(input, output, worldSize);
            int n = output.numel();
            return submit(
                    new Call("reduceScatter " + op, n, input.dtype().toString(), -1),
                    input,
                    inputs -> HostArrays.write(HostArrays.reduce(inputs, rank * n, n, op), 0, output));
        }

        @Override
        public Work barrier() {
            return submit(new Call("barrier", 0, "-", -1), null, inputs -> {});
        }

        private Work submit(Call call, Tensor input, java.util.function.Consumer<Object[]> finish) {
            if (closed) throw new IllegalStateException("in-process communicator of rank " + rank + " is closed");
            long k = issued++;
            // the input is copied when the collective runs, in issue order, after earlier collectives wrote their
            // outputs
            Future<Long> f = thread.submit(() -> {
                long started = System.nanoTime();
                Rendezvous rv = open.computeIfAbsent(k, key -> new Rendezvous());
                rv.inputs[rank] = input == null ? null : HostArrays.snapshot(input);
                rv.calls[rank] = call;
                rv.arrived.countDown();
                try {
                    if (!rv.arrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        List<Integer> missing = new ArrayList<>();
                        for (int r = 0; r < worldSize; r++) if (rv.calls[r] == null) missing.add(r);
                        throw new CommunicationException("rank " + rank + ": collective #" + k + " (" + call.kind()
                                + " of " + call.elements() + ") waited " + timeout.toSeconds() + " s; ranks " + missing
                                + " never arrived");
                    }
                    for (int r = 0; r < worldSize; r++) {
                        if (!rv.calls[r].equals(call)) {
                            throw new CommunicationException("collective #" + k + ": rank " + rank + " called " + call
                                    + " but rank " + r + " called " + rv.calls[r]
                                    + "; every rank must issue the same collectives in the same order");
                        }
                    }
                    finish.accept(rv.inputs);
                } finally {
                    if (rv.left.decrementAndGet() == 0) open.remove(k);
                }
                return System.nanoTime() - started;
            });
            return Work.of(f, call.kind() + " #" + k + " on rank " + rank);
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            thread.shutdown();
            try {
                thread.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
