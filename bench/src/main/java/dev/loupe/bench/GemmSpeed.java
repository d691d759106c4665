package dev.loupe.bench;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.cpu.Gemm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plain (non-JMH) GEMM timing, shaped like the numpy peer {@code shared/anchors/blas_gemm.py} so the two
 * can run back to back: each repetition times enough calls for about 2 GFLOP, the result is the median
 * repetition, GFLOP/s = 2mnk / t. Before timing, each shape warms up until its speed settles (see warmUp), so C2
 * has compiled the kernel.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp ... dev.loupe.bench.GemmSpeed 256,512,1024x768x192}
 * (a size is {@code n} for a square product or {@code MxNxK}); {@code loupe bench gemm} is the same with options.
 */
public final class GemmSpeed {
    /** One measured shape: C (m, n) = A (m, k) . B (k, n), A and/or B read transposed. */
    public record Result(
            int m, int n, int k, boolean transA, boolean transB, int threads, double seconds, double gflops) {}

    /** A product shape; transA / transB say how A and B are stored (as in the backward pass). */
    public record Shape(int m, int n, int k, boolean transA, boolean transB) {
        /** "n" (square), "MxNxK", optionally followed by ":NN", ":NT", ":TN" or ":TT". */
        public static Shape parse(String s) {
            String[] parts = s.trim().split(":");
            String[] d = parts[0].split("x");
            boolean ta = false, tb = false;
            if (parts.length == 2) {
                String t = parts[1].toUpperCase();
                if (!t.matches("[NT][NT]"))
                    throw new IllegalArgumentException("gemm shape " + s + ": transposition must be NN, NT, TN or TT");
                ta = t.charAt(0) == 'T';
                tb = t.charAt(1) == 'T';
            }
            try {
                if (d.length == 1 && parts.length <= 2) {
                    int n = Integer.parseInt(d[0]);
                    return new Shape(n, n, n, ta, tb).checked(s);
                }
                if (d.length == 3 && parts.length <= 2) {
                    return new Shape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]), ta, tb)
                            .checked(s);
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw new IllegalArgumentException("gemm shape " + s + ": expected n or MxNxK, optionally :NN/:NT/:TN/:TT");
        }

        private Shape checked(String text) {
            if (m < 1 || n < 1 || k < 1)
                throw new IllegalArgumentException("gemm shape " + text + ": sizes must be >= 1");
            return this;
        }

        public double flops() {
            return 2.0 * m * n * k;
        }
    }

    private GemmSpeed() {}

    /** Times {@code reps} repetitions of C = A.B for one shape on the current thread count. */
    /**
     * Runs {@code call} for at least a second and then until two consecutive 0.25 s windows agree on
     * the call rate within 3% (at most 6 s): C2 may still be compiling the microkernel after one
     * second when the other core is busy, and a measurement must not start mid-compilation.
     */
    private static void warmUp(Runnable call) {
        long start = System.nanoTime();
        double previous = -1;
        while (true) {
            long windowStart = System.nanoTime();
            int calls = 0;
            while (calls < 3 || System.nanoTime() - windowStart < 250_000_000L) {
                call.run();
                calls++;
            }
            double rate = calls / ((System.nanoTime() - windowStart) * 1e-9);
            double elapsed = (System.nanoTime() - start) * 1e-9;
            boolean settled = previous > 0 && Math.abs(rate - previous) <= 0.03 * previous;
            if (elapsed >= 6 || (elapsed >= 1 && settled)) return;
            previous = rate;
        }
    }

    public static Result measure(Shape s, int reps) {
        if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        SplittableRandom rng = new SplittableRandom(0);
        float[] a = random(rng, s.m() * s.k()), b = random(rng, s.k() * s.n()), c = new float[s.m() * s.n()];
        // A^T is stored (K, M), so its leading dim is M; likewise B^T is (N, K).
        int lda = s.transA() ? s.m() : s.k(), ldb = s.transB() ? s.k() : s.n();
        Runnable call =
                () -> Gemm.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, lda, b, 0, ldb, c, 0, s.n(), false);
        int inner = (int) Math.max(1, 2e9 / s.flops());
        warmUp(call);
        double[] times = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) call.run();
            times[r] = (System.nanoTime() - t0) / 1e9 / inner;
        }
        Arrays.sort(times);
        double median = reps % 2 == 1 ? times[reps / 2] : (times[reps / 2 - 1] + times[reps / 2]) / 2;
        return new Result(
                s.m(), s.n(), s.k(), s.transA(), s.transB(), Parallel.threads(), median, s.flops() / median / 1e9);
    }

    public static List<Result> measureAll(List<Shape> shapes, int reps) {
        List<Result> out = new ArrayList<>();
        for (Shape s : shapes) out.add(measure(s, reps));
        return out;
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    public static void main(String[] args) {
        String sizes = args.length > 0 ? args[0] : "256,512,1024,2048";
        for (String s : sizes.split(",")) {
            Result r = measure(Shape.parse(s), 7);
            System.out.printf(
                    "m=%d n=%d k=%d%s threads=%d  %.1f GFLOP/s%n",
                    r.m(),
                    r.n(),
                    r.k(),
                    r.transA() || r.transB() ? " " + (r.transA() ? "T" : "N") + (r.transB() ? "T" : "N") : "",
                    r.threads(),
                    r.gflops());
        }
    }
}
