package dev.loupe.tensor.testing;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;
import dev.loupe.tensor.dist.Work;
import java.util.ArrayList;
import java.util.List;

/**
 * The collectives of a {@link Communicator} against values every rank can compute on its own: rank
 * r's input to check k is drawn from (seed, k, r), so each rank knows all ranks' inputs and the
 * expected result. Sizes are random, with 0, 1 and odd sizes always among them; F32 and F64; several
 * collectives in flight at once. Every rank of a job calls {@link #run} with the same seed and rounds;
 * a mismatch is an {@link AssertionError} naming the collective, the size and the element.
 */
public final class CollectiveConformance {
    private final Communicator comm;
    private final long seed;
    private int checks;

    private CollectiveConformance(Communicator comm, long seed) {
        this.comm = comm;
        this.seed = seed;
    }

    /** Runs every check; returns how many collectives were compared. */
    public static int run(Communicator comm, long seed, int rounds) {
        CollectiveConformance c = new CollectiveConformance(comm, seed);
        Rng sizes = new Rng(seed);
        int[] fixed = {0, 1, 7, 33, 1000};
        for (int round = 0; round < rounds; round++) {
            for (int f = 0; f <= fixed.length; f++) {
                int n = f < fixed.length ? fixed[f] : 1 + (int) (sizes.nextDouble() * 5000);
                for (DType dtype : new DType[] {DType.F32, DType.F64})
                    c.all(n, dtype, round * 100 + f * 2 + (dtype == DType.F32 ? 0 : 1));
            }
        }
        c.inFlight(sizes);
        comm.barrier().await();
        return c.checks;
    }

    private void all(int n, DType dtype, int k) {
        allReduce(n, dtype, k, Reduction.SUM);
        allReduce(n, dtype, k, Reduction.AVERAGE);
        broadcast(n, dtype, k);
        allGather(n, dtype, k);
        reduceScatter(n, dtype, k, Reduction.SUM);
        reduceScatter(n, dtype, k, Reduction.AVERAGE);
    }

    /** Rank r's input to check k: n values in [-1, 1). */
    private Tensor input(int k, int r, int n, DType dtype) {
        Rng rng = new Rng(seed * 1_000_003L + k * 7919L + r);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 2 * rng.nextDouble() - 1;
        return Tensor.of(v, n).to(dtype);
    }

    private double[] reduced(int k, int n, DType dtype, Reduction op) {
        double[] sum = new double[n];
        for (int r = 0; r < comm.worldSize(); r++) {
            double[] a = input(k, r, n, dtype).toDoubleArray();
            for (int i = 0; i < n; i++) sum[i] += a[i];
        }
        if (op == Reduction.AVERAGE) for (int i = 0; i < n; i++) sum[i] /= comm.worldSize();
        return sum;
    }

    private void allReduce(int n, DType dtype, int k, Reduction op) {
        Tensor buf = input(k, comm.rank(), n, dtype);
        comm.allReduce(buf, op).await();
        compare("allReduce " + op, dtype, reduced(k, n, dtype, op), buf.toDoubleArray());
        // every rank must hold the same bits
        Tensor all = Tensor.empty(dtype, comm.worldSize() * n);
        comm.allGather(buf, all).await();
        for (int r = 0; r < comm.worldSize(); r++) {
            double[] theirs = all.narrow(0, r * n, n).toDoubleArray(), mine = buf.toDoubleArray();
            if (!java.util.Arrays.equals(theirs, mine)) {
                throw new AssertionError("allReduce " + op + " of " + n + " " + dtype + ": rank " + r
                        + " holds other values than rank " + comm.rank());
            }
        }
    }

    private void broadcast(int n, DType dtype, int k) {
        int root = k % comm.worldSize();
        Tensor buf = input(k, comm.rank(), n, dtype);
        comm.broadcast(buf, root).await();
        compare("broadcast from " + root, dtype, input(k, root, n, dtype).toDoubleArray(), buf.toDoubleArray());
    }

    private void allGather(int n, DType dtype, int k) {
        Tensor out = Tensor.full(dtype, Double.NaN, comm.worldSize() * n);
        comm.allGather(input(k, comm.rank(), n, dtype), out).await();
        double[] expected = new double[comm.worldSize() * n];
        for (int r = 0; r < comm.worldSize(); r++)
            System.arraycopy(input(k, r, n, dtype).toDoubleArray(), 0, expected, r * n, n);
        compare("allGather", dtype, expected, out.toDoubleArray());
    }

    private void reduceScatter(int n, DType dtype, int k, Reduction op) {
        int w = comm.worldSize();
        Tensor out = Tensor.full(dtype, Double.NaN, n);
        comm.reduceScatter(input(k, comm.rank(), w * n, dtype), out, op).await();
        double[] full = reduced(k, w * n, dtype, op);
        compare(
                "reduceScatter " + op,
                dtype,
                java.util.Arrays.copyOfRange(full, comm.rank() * n, comm.rank() * n + n),
                out.toDoubleArray());
    }

    /** Several collectives issued before any is awaited: each must see its own buffers in issue order. */
    private void inFlight(Rng sizes) {
        List<Tensor> buffers = new ArrayList<>();
        List<Work> work = new ArrayList<>();
        List<double[]> expected = new ArrayList<>();
        for (int j = 0; j < 8; j++) {
            int n = j == 0 ? 0 : 1 + (int) (sizes.nextDouble() * 3000);
            Tensor buf = input(10_000 + j, comm.rank(), n, DType.F32);
            buffers.add(buf);
            expected.add(reduced(10_000 + j, n, DType.F32, Reduction.AVERAGE));
            work.add(comm.allReduce(buf, Reduction.AVERAGE));
        }
        work.get(work.size() - 1).await();
        for (int j = 0; j < buffers.size(); j++) {
            if (!work.get(j).isDone())
                throw new AssertionError("collective " + j + " not done after a later one completed");
            compare(
                    "in-flight allReduce " + j,
                    DType.F32,
                    expected.get(j),
                    buffers.get(j).toDoubleArray());
        }
    }

    /** Sums of worldSize values: each rounding is within one unit of the dtype's last place of the largest term. */
    private void compare(String what, DType dtype, double[] expected, double[] actual) {
        checks++;
        if (expected.length != actual.length)
            throw new AssertionError(what + ": " + actual.length + " elements, expected " + expected.length);
        double ulp = dtype == DType.F32 ? 0x1p-23 : 0x1p-52;
        double bound = ulp * comm.worldSize() * 2;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= bound)) {
                throw new AssertionError(what + " of " + expected.length + " " + dtype + " on rank " + comm.rank()
                        + " of " + comm.worldSize() + ": element " + i + " is " + actual[i] + ", expected "
                        + expected[i]);
            }
        }
    }
}
