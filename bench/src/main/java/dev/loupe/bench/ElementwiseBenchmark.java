package dev.loupe.bench;

import dev.loupe.tensor.Backend;
import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.ReduceOp;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Elementwise and reduction kernels on a ViT-sized activation, x: (N, D) = (6400, 768) F32 (batch
 * 128 x 50 tokens, ViT-Base width), 19.7 MB, beside a parallel copy of the same bytes, the memory
 * floor. Outputs are preallocated so only the kernel is timed. Bytes per element (read + write):
 * copy 8, add with bias 8, multiply by a scalar 8, gelu 8, sum over N 4. Scores are operations per second; GB/s =
 * score x 6400 x 768 x bytes per element / 1e9. Run with -jvmArgsAppend -Dloupe.kernels=scalar to
 * time the scalar twins.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {
    static final int N = 6400, D = 768;

    Backend backend;
    Tensor x, bias, biasExpanded, half, out, sumOut;
    float[] src, dst;

    @Setup
    public void setup() {
        Rng rng = new Rng(42);
        x = Tensor.randn(rng, N, D);
        bias = Tensor.randn(rng, D);
        biasExpanded = bias.expand(N, D);
        half = Tensor.scalar(0.5f).expand(N, D);
        out = Tensor.empty(x.dtype(), N, D);
        sumOut = Tensor.empty(x.dtype(), 1, D);
        backend = x.backend();
        src = ((CpuStorage) x.storage()).f32();
        dst = ((CpuStorage) out.storage()).f32();
    }

    /** The memory floor: the same bytes moved by System.arraycopy, split over the pool like the kernels. */
    @Benchmark
    public float[] copy() {
        int block = 16384;
        Parallel.forRange((src.length + block - 1) / block, 1, (s, e) -> {
            int from = s * block, to = Math.min(src.length, e * block);
            System.arraycopy(src, from, dst, from, to - from);
        });
        return dst;
    }

    @Benchmark
    public Tensor addBias() {
        backend.binary(BinaryOp.ADD, x, biasExpanded, out);
        return out;
    }

    @Benchmark
    public Tensor mulScalar() {
        backend.binary(BinaryOp.MUL, x, half, out);
        return out;
    }

    @Benchmark
    public Tensor gelu() {
        backend.unary(UnaryOp.GELU, x, out);
        return out;
    }

    @Benchmark
    public Tensor sumOverRows() {
        backend.reduce(ReduceOp.SUM, x, new int[] {0}, sumOut);
        return sumOut;
    }
}
