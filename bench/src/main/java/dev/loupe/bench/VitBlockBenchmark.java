package dev.loupe.bench;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.Attention;
import dev.loupe.nn.Block;
import dev.loupe.nn.ViTConfig;
import dev.loupe.tensor.Rng;
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
 * Attention and one pre-norm ViT block, forward (no grad) and forward + backward, on the ViT-Tiny
 * training shape: x (B, N, D) = (128, 50, 192), 3 heads. Flops per block forward about
 * 0.92 MFLOP per token (PERFORMANCE.md), so 128 x 50 tokens = 5.9 GFLOP; backward about twice that.
 * Run: {@code loupe bench jmh VitBlockBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class VitBlockBenchmark {
    @Param({"128"})
    int batch;

    private Attention attention;
    private Block block;
    private Var x;
    private Var xGrad;

    @Setup
    public void setup() {
        Rng rng = new Rng(0);
        ViTConfig c = ViTConfig.of(28, 4, 1, 192, 1, 3, 0);
        attention = new Attention(c.dim(), c.heads(), true, rng);
        block = new Block(c, 0.0, rng);
        Tensor data = Tensor.randn(rng, batch, c.numPatches() + 1, c.dim());
        x = Var.of(data);
        xGrad = Var.param(data);
    }

    @Benchmark
    public Tensor attentionForward() {
        try (var scope = GradMode.disable()) {
            return attention.forward(x).data();
        }
    }

    @Benchmark
    public Tensor attentionForwardBackward() {
        attention.zeroGrad();
        xGrad.zeroGrad();
        attention.forward(xGrad).sum().backward();
        return xGrad.grad();
    }

    @Benchmark
    public Tensor blockForward() {
        try (var scope = GradMode.disable()) {
            return block.forward(x).data();
        }
    }

    @Benchmark
    public Tensor blockForwardBackward() {
        block.zeroGrad();
        xGrad.zeroGrad();
        block.forward(xGrad).sum().backward();
        return xGrad.grad();
    }
}
