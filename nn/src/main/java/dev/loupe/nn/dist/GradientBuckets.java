package dev.loupe.nn.dist;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;
import dev.loupe.tensor.dist.Work;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel gradient averaging in buckets, as PyTorch's DistributedDataParallel reducer.
 *
 * <p>Parameters are packed into buckets in reverse registration order (roughly the order backward
 * finishes them), each at most {@code bucketBytes} (a larger parameter gets a bucket of its own).
 * A post-accumulate-grad hook on every parameter counts the bucket's finished gradients; when a
 * bucket is complete and every earlier bucket has been launched, its gradients are copied into one
 * flat buffer and all-reduced (AVERAGE) asynchronously while backward goes on. Buckets are always
 * launched in index order, so every rank issues the same collectives in the same order whatever
 * the timing. {@link #finish} launches the buckets some gradient never reached, waits for all, and
 * sets each parameter's gradient to its average.
 *
 * <p>Unused parameters: a parameter with no gradient on this rank contributes zeros; a slot after
 * the gradients carries 1 where the rank had a gradient, so a parameter no rank used keeps a null
 * gradient (the optimiser skips it, as it would in one process).
 *
 * <p>Threading: hooks and {@link #finish} run on the training thread; only the communicator's thread
 * touches a launched bucket until {@link #finish} awaits it.
 */
public final class GradientBuckets implements AutoCloseable {
    /** PyTorch's default bucket_cap_mb. */
    public static final long DEFAULT_BUCKET_BYTES = 25L << 20;

    private final Communicator comm;
    private final List<Bucket> buckets = new ArrayList<>();
    private final Map<Var, Bucket> bucketOf = new IdentityHashMap<>();
    private final List<Var.HookHandle> hooks = new ArrayList<>();
    private int nextLaunch;
    private long lastCommunicationNanos, lastWaitNanos;

    /** One flat buffer: the parameters' gradients back to back, then one used-flag per parameter. */
    private static final class Bucket {
        final List<Var> params = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        int elements;
        Tensor flat; // (elements + params)
        int ready;
        Work work;
        final Map<Var, Boolean> seen = new IdentityHashMap<>();
    }

    /**
     * @param params      the trainable parameters in registration order (every rank the same list)
     * @param bucketBytes the most bytes of gradients per bucket (at least 1)
     */
    public GradientBuckets(List<Var> params, Communicator comm, long bucketBytes) {
        if (bucketBytes < 1) throw new IllegalArgumentException("bucket size must be >= 1 byte, got " + bucketBytes);
        this.comm = comm;
        Bucket current = null;
        DType currentType = null;
        for (int i = params.size() - 1; i >= 0; i--) {
            Var p = params.get(i);
            DType t = p.dtype();
            if (t != DType.F32 && t != DType.F64)
                throw new IllegalArgumentException(
                        "data parallel: parameter " + i + " " + p.data().shape() + " is " + t + ", need F32 or F64");
            if (bucketOf.containsKey(p))
                throw new IllegalArgumentException(
                        "data parallel: parameter " + i + " " + p.data().shape() + " is listed twice");
            long bytes = (long) p.data().numel() * t.byteSize();
            boolean full = current != null
                    && ((long) current.elements * t.byteSize() + bytes > bucketBytes || t != currentType);
            if (current == null || full) {
                current = new Bucket();
                currentType = t;
                buckets.add(current);
            }
            current.params.add(p);
            current.offsets.add(current.elements);
            current.elements += p.data().numel();
            bucketOf.put(p, current);
        }
        for (Bucket b : buckets) {
            // on the parameters' device, so that a device communicator (NCCL) reduces device memory
            Tensor first = b.params.get(0).data();
            b.flat = Tensor.zeros(first.device(), first.dtype(), b.elements + b.params.size());
        }
        for (Var p : params) hooks.add(p.addPostAccumulateGradHook(this::onGradient));
    }

    /** The number of buckets. */
    public int size() {
        return buckets.size();
    }

    /** How many parameters each bucket holds, in launch order. */
    public List<Integer> parametersPerBucket() {
        return buckets.stream().map(b -> b.params.size()).toList();
    }

    private void onGradient(Var p) {
        Bucket b = bucketOf.get(p);
        if (b.work != null || b.seen.put(p, Boolean.TRUE) != null) {
            throw new IllegalStateException(
                    "data parallel: a parameter " + p.data().shape() + " got a second gradient before finish(); "
                            + "call finish() after each backward (gradient accumulation over several backward passes is not supported)");
        }
        b.ready++;
        while (nextLaunch < buckets.size()
                && buckets.get(nextLaunch).ready
                        == buckets.get(nextLaunch).params.size()) {
            launch(buckets.get(nextLaunch++));
        }
    }

    private void launch(Bucket b) {
        for (int i = 0; i < b.params.size(); i++) {
            Var p = b.params.get(i);
            Tensor slot = b.flat.narrow(0, b.offsets.get(i), p.data().numel())
                    .view(p.data().sizes());
            if (p.grad() != null) slot.copyFrom(p.grad());
            else slot.fill(0);
            b.flat.narrow(0, b.elements + i, 1).fill(p.grad() != null ? 1 : 0);
        }
        b.work = comm.allReduce(b.flat, Reduction.AVERAGE);
    }

    /**
     * After backward: launches the buckets not yet launched (in order), waits for every bucket, and
     * sets each parameter's gradient to the average over ranks (null where no rank had one). Call
     * once per backward on every rank.
     */
    public void finish() {
        long waitStarted = System.nanoTime();
        while (nextLaunch < buckets.size()) launch(buckets.get(nextLaunch++));
        for (Bucket b : buckets) b.work.await();
        lastWaitNanos = System.nanoTime() - waitStarted;
        lastCommunicationNanos = 0;
        for (Bucket b : buckets) {
            lastCommunicationNanos += b.work.busyNanos();
            for (int i = 0; i < b.params.size(); i++) {
                Var p = b.params.get(i);
                boolean used = b.flat.narrow(0, b.elements + i, 1).item() > 0;
                p.setGrad(
                        used
                                ? b.flat.narrow(0, b.offsets.get(i), p.data().numel())
                                        .view(p.data().sizes())
                                        .copy()
                                : null);
            }
            b.work = null;
            b.ready = 0;
            b.seen.clear();
        }
        nextLaunch = 0;
    }

    /**
     * The last {@link #finish}: the buckets' all-reduce time (on the communicator's thread) and how
     * long finish waited for them (the part backward did not hide), in nanoseconds.
     */
    public long lastCommunicationNanos() {
        return lastCommunicationNanos;
    }

    public long lastWaitNanos() {
        return lastWaitNanos;
    }

    /** Removes the hooks. */
    @Override
    public void close() {
        hooks.forEach(Var.HookHandle::close);
    }
}
