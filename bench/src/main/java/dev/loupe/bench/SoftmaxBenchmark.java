package dev.loupe.bench;

import dev.loupe.tensor.Backend;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
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
 * Attention-score softmax of ViT-Tiny: rows of T = 50 scores, B x H x T = 128 x 3 x 50 rows, so
 * x: (19200, 50) F32, 3.8 MB. Bytes per element: 8 (read x, write out). Scores are operations per
 * second; GB/s = score x 960000 x 8 / 1e9.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SoftmaxBenchmark {
    static final int ROWS = 128 * 3 * 50, T = 50;

    Backend backend;
    Tensor x, out;

    @Setup
    public void setup() {
        x = Tensor.randn(new Rng(7), ROWS, T).mul(3.0);
        out = Tensor.empty(x.dtype(), ROWS, T);
        backend = x.backend();
    }

    @Benchmark
    public Tensor softmax() {
        backend.softmax(x, 1, false, out);
        return out;
    }

    @Benchmark
    public Tensor logSoftmax() {
        backend.softmax(x, 1, true, out);
        return out;
    }
}
