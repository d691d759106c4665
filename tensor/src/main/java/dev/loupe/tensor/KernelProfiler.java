package dev.loupe.tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time, call counts, flops and bytes per kernel (matmul, unary:GELU, binary:ADD, softmax,
 * layer_norm, copy, ...), for "where does the time go" reports. An explicit registry: off unless
 * {@link #start()} was called, and then every backend call is timed by {@link ProfilingBackend}, which
 * counts each call's flops (products and attention: 2 per multiply-add) and the bytes its operands
 * occupy (each tensor read or written once: the least traffic the kernel can cause).
 */
public final class KernelProfiler {
    /** One row of a report; flops and bytes summed over the calls (0 where not counted). */
    public record Entry(String kernel, long calls, double seconds, double flops, double bytes) {
        public double gflopsPerSecond() {
            return seconds > 0 ? flops / seconds / 1e9 : 0;
        }

        public double gigabytesPerSecond() {
            return seconds > 0 ? bytes / seconds / 1e9 : 0;
        }
    }

    /**
     * The machine's ceilings a report compares against: FP32 FMA peak and memory bandwidth, both over
     * all threads; 0 where unknown.
     */
    public record Limits(double peakGflops, double bandwidthGBs) {
        public static final Limits UNKNOWN = new Limits(0, 0);
    }

    private static volatile boolean active;
    private static volatile boolean productsByShape;
    /** Per kernel: calls, nanoseconds, flops, bytes. */
    private static final Map<String, LongAdder[]> TIMES = new ConcurrentHashMap<>();

    private KernelProfiler() {}

    /** Clears the counters and starts timing. */
    public static void start() {
        TIMES.clear();
        active = true;
    }

    /** Stops timing; returns the rows, the most expensive first. */
    public static List<Entry> stop() {
        active = false;
        List<Entry> rows = new ArrayList<>();
        TIMES.forEach((k, v) -> rows.add(new Entry(k, v[0].sum(), v[1].sum() * 1e-9, v[2].sum(), v[3].sum())));
        rows.sort(Comparator.comparingDouble(Entry::seconds).reversed());
        return rows;
    }

    /** Whether kernels are being timed (between {@link #start()} and {@link #stop()}). */
    public static boolean active() {
        return active;
    }

    /**
     * Whether each product (matmul and its fused forms) is counted under its shape as well as its name:
     * "matmul 6400x576x192 NT" is M x N x K, then the layouts of A and B (N: rows contiguous, T: a
     * transposed view, S: other strides), "matmul 384 x 50x50x64 NN" a batch of 384. A step's products
     * then show apart (a ViT's weight gradients, TN with k = B T, from its input gradients, NN). Off by
     * default; the setting outlasts {@link #start()} and {@link #stop()}.
     */
    public static void keyProductsByShape(boolean on) {
        productsByShape = on;
    }

    static boolean productsByShape() {
        return productsByShape;
    }

    static void record(String kernel, long nanos, long flops, long bytes) {
        LongAdder[] a = TIMES.computeIfAbsent(
                kernel, k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
        a[2].add(flops);
        a[3].add(bytes);
    }

    /** A fixed-width table of the rows with each kernel's share of the total, without limits. */
    public static String format(List<Entry> rows) {
        return format(rows, Limits.UNKNOWN);
    }

    /**
     * A fixed-width table: each kernel's share of the total time, its GFLOP/s where it counts flops,
     * else its GB/s, and that rate as a % of the relevant limit (the FMA peak for flops, the memory
     * bandwidth for bytes) where the limit is known.
     */
    public static String format(List<Entry> rows, Limits limits) {
        double total = rows.stream().mapToDouble(Entry::seconds).sum();
        // the kernel column fits the longest name (products keyed by shape run past 22 characters)
        int width = Math.max(
                22, rows.stream().mapToInt(e -> e.kernel().length()).max().orElse(0));
        String name = "%-" + width + "s";
        StringBuilder sb = new StringBuilder(String.format(
                name + " %9s %10s %7s %14s %8s%n", "kernel", "calls", "seconds", "share", "rate", "of limit"));
        for (Entry e : rows) {
            boolean compute = e.flops() > 0;
            double rate = compute ? e.gflopsPerSecond() : e.gigabytesPerSecond();
            double limit = compute ? limits.peakGflops() : limits.bandwidthGBs();
            String rateText = rate == 0 ? "" : String.format("%.1f %s", rate, compute ? "GFLOP/s" : "GB/s");
            String ofLimit = rate == 0 || limit <= 0 ? "" : String.format("%.0f%%", 100 * rate / limit);
            sb.append(String.format(
                    name + " %9d %10.3f %6.1f%% %14s %8s%n",
                    e.kernel(),
                    e.calls(),
                    e.seconds(),
                    total == 0 ? 0 : 100 * e.seconds() / total,
                    rateText,
                    ofLimit));
        }
        return sb.append(String.format(name + " %9s %10.3f%n", "total", "", total))
                .toString();
    }
}
