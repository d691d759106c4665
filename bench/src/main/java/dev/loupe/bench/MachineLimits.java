package dev.loupe.bench;

import dev.loupe.tensor.KernelProfiler;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two ceilings a kernel profile is read against, measured in this JVM on {@code threads} threads at
 * once: the FP32 FMA peak (independent register-resident fma chains, as ../shared/anchors/fma_peak.sh
 * does in C) and the memory bandwidth of a large copy (bytes read plus bytes written per second).
 * About a second in all.
 */
public final class MachineLimits {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per thread for the copy: 64 MB, far past any cache. */
    private static final int COPY_FLOATS = 1 << 24;

    private MachineLimits() {}

    public static KernelProfiler.Limits measure(int threads) {
        measureFma(threads, 0.3); // warm-up: C2 compiles the chains
        return new KernelProfiler.Limits(measureFma(threads, 0.4), measureCopy(threads, 0.4));
    }

    /** GFLOP/s of all threads running twelve independent fma chains each. */
    static double measureFma(int threads, double seconds) {
        return runOnThreads(threads, () -> {
                    long calls = 0, end = System.nanoTime() + (long) (seconds * 1e9);
                    float sink = 0;
                    while (System.nanoTime() < end) {
                        sink += fmaChains(FMA_STEPS);
                        calls++;
                    }
                    if (sink == 42) System.out.print(""); // keeps the chains alive
                    return calls * FMA_STEPS * 12.0 * S.length() * 2;
                })
                / 1e9;
    }

    private static final int FMA_STEPS = 1 << 16;

    /** {@code steps} rounds of twelve independent fma chains (a method of its own, so C2 compiles it whole). */
    private static float fmaChains(int steps) {
        FloatVector m = FloatVector.broadcast(S, 1.0001f), a = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = m, c1 = m, c2 = m, c3 = m, c4 = m, c5 = m, c6 = m, c7 = m, c8 = m, c9 = m, c10 = m, c11 = m;
        for (int i = 0; i < steps; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
        }
        return c0.add(c1)
                .add(c2)
                .add(c3)
                .add(c4)
                .add(c5)
                .add(c6)
                .add(c7)
                .add(c8)
                .add(c9)
                .add(c10)
                .add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    /** GB/s of all threads copying 64 MB arrays (read + write). */
    static double measureCopy(int threads, double seconds) {
        return runOnThreads(threads, () -> {
                    float[] src = new float[COPY_FLOATS], dst = new float[COPY_FLOATS];
                    java.util.Arrays.fill(src, 1f);
                    System.arraycopy(src, 0, dst, 0, COPY_FLOATS);
                    long copies = 0, end = System.nanoTime() + (long) (seconds * 1e9);
                    while (System.nanoTime() < end) {
                        System.arraycopy(src, 0, dst, 0, COPY_FLOATS);
                        copies++;
                    }
                    return copies * 2.0 * COPY_FLOATS * Float.BYTES;
                })
                / 1e9;
    }

    private interface Work {
        double run();
    }

    /** Runs {@code work} on each of {@code threads} threads at once; the summed amount per wall second. */
    private static double runOnThreads(int threads, Work work) {
        double[] amounts = new double[threads];
        List<Thread> started = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            started.add(Thread.ofPlatform().start(() -> amounts[id] = work.run()));
        }
        for (Thread t : started) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the machine's limits", e);
            }
        }
        double wall = (System.nanoTime() - t0) * 1e-9, total = 0;
        for (double a : amounts) total += a;
        return total / wall;
    }
}
