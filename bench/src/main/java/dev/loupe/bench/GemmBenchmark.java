package dev.loupe.bench;

import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.cpu.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH suite for the CPU GEMM. The secondary metric {@code gflop} reads directly as GFLOP/s.
 *
 * <p>Shapes are {@code MxNxK:AB}, C (M, N) = op(A) (M, K) . op(B) (K, N), with A / B = N (stored as is)
 * or T (stored transposed). Squares 256..2048, and the ViT-Tiny training shapes for 128 images of 50
 * tokens (6400 rows), D = 192: forward y = x.W for qkv (192 -> 576), fc1 (192 -> 768), fc2 (768 -> 192),
 * and their backward products dX = dY.W^T (NT) and dW = X^T.dY (TN).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp 'cli/target/loupe-cli.jar:cli/target/lib/*'
 * org.openjdk.jmh.Main GemmBenchmark} (add {@code -p threads=1} or {@code -p shape=1024x1024x1024:NN} to narrow).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({
        "256x256x256:NN",
        "512x512x512:NN",
        "1024x1024x1024:NN",
        "2048x2048x2048:NN",
        "6400x576x192:NN",
        "6400x192x576:NT",
        "192x576x6400:TN",
        "6400x768x192:NN",
        "6400x192x768:NT",
        "192x768x6400:TN",
        "6400x192x768:NN",
        "6400x768x192:NT",
        "768x192x6400:TN"
    })
    public String shape;

    @Param({"2"})
    public int threads;

    private GemmSpeed.Shape s;
    private float[] a, b, c;
    private int lda, ldb;

    /** Counts GFLOP done; JMH divides by time, so the reported rate is GFLOP/s. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        s = GemmSpeed.Shape.parse(shape);
        SplittableRandom rng = new SplittableRandom(0);
        a = new float[s.m() * s.k()];
        b = new float[s.k() * s.n()];
        c = new float[s.m() * s.n()];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) (rng.nextDouble() * 2 - 1);
        lda = s.transA() ? s.m() : s.k();
        ldb = s.transB() ? s.k() : s.n();
    }

    @Benchmark
    public float[] gemm(Flops flops) {
        Gemm.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), a, 0, lda, b, 0, ldb, c, 0, s.n(), false);
        flops.gflop += s.flops() / 1e9;
        return c;
    }
}
