package dev.loupe.bench;

import dev.loupe.tensor.Rng;
import dev.loupe.tensor.ScaledDotProductAttention;
import dev.loupe.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused attention of one ViT block, forward and backward: q, k, v (B, H, T, Dh) = (128, 3, 50, 64)
 * for ViT-Tiny on 28x28 patch 4 (JMH option -p tokens=197 gives the 224px patch-16 length). Flops:
 * forward 4 B H T^2 Dh (q k^T and p v), backward 2.5x that (recomputed p, dv, dp, dq, dk), so
 * GFLOP/s = score x 4 B H T^2 Dh / 1e9 for forward (T 50: 0.246 GFLOP per call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {
    static final int B = 128, H = 3, DH = 64;

    @Param({"50"})
    int tokens;

    Tensor q, k, v, gradOut;
    ScaledDotProductAttention.Result saved;
    double scale;

    @Setup
    public void setup() {
        Rng rng = new Rng(5);
        q = Tensor.randn(rng, B, H, tokens, DH);
        k = Tensor.randn(rng, B, H, tokens, DH);
        v = Tensor.randn(rng, B, H, tokens, DH);
        gradOut = Tensor.randn(rng, B, H, tokens, DH);
        scale = ScaledDotProductAttention.defaultScale(q);
        saved = ScaledDotProductAttention.forward(q, k, v, scale, false, null);
    }

    @Benchmark
    public ScaledDotProductAttention.Result forward() {
        return ScaledDotProductAttention.forward(q, k, v, scale, false, null);
    }

    @Benchmark
    public ScaledDotProductAttention.Grads backward() {
        return ScaledDotProductAttention.backward(q, k, v, saved.out(), gradOut, saved.logsumexp(), scale, false, null);
    }
}
