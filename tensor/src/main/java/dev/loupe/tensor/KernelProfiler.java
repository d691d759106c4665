package dev.loupe.tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wall time and call counts per kernel (matmul, unary:GELU, binary:ADD, softmax, layer_norm, copy,
 * ...), for "where does the time go" reports. An explicit registry: off unless {@link #start()} was
 * called, and then every backend call is timed by {@link ProfilingBackend}.
 */
public final class KernelProfiler {
    /** One row of a report. */
    public record Entry(String kernel, long calls, double seconds) {}

    private static volatile boolean active;
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
        TIMES.forEach((k, v) -> rows.add(new Entry(k, v[0].sum(), v[1].sum() * 1e-9)));
        rows.sort(Comparator.comparingDouble(Entry::seconds).reversed());
        return rows;
    }

    static boolean active() { return active; }

    static void record(String kernel, long nanos) {
        LongAdder[] a = TIMES.computeIfAbsent(kernel, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
    }

    /** A fixed-width table of the rows with each kernel's share of the total. */
    public static String format(List<Entry> rows) {
        double total = rows.stream().mapToDouble(Entry::seconds).sum();
        StringBuilder sb = new StringBuilder(String.format("%-22s %9s %10s %7s%n", "kernel", "calls", "seconds", "share"));
        for (Entry e : rows) {
            sb.append(String.format("%-22s %9d %10.3f %6.1f%%%n", e.kernel(), e.calls(), e.seconds(),
                    total == 0 ? 0 : 100 * e.seconds() / total));
        }
        return sb.append(String.format("%-22s %9s %10.3f%n", "total", "", total)).toString();
    }
}
