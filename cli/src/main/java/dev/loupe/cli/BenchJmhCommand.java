package dev.loupe.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code loupe bench jmh [JMH options] [regex]}: the JMH suites (GemmBenchmark, ElementwiseBenchmark,
 * SoftmaxBenchmark, LayerNormBenchmark, AttentionBenchmark) through JMH's own command line, e.g.
 * {@code loupe bench jmh GemmBenchmark -wi 3 -i 5}; {@code loupe bench jmh -l} lists them.
 */
@Command(
        name = "jmh",
        description = "Run Loupe's JMH suites; arguments go to JMH (e.g. 'GemmBenchmark -wi 3 -i 5', '-l', '-h').")
final class BenchJmhCommand implements Runnable {
    // Everything after "jmh" goes to JMH untouched, options included.
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public void run() {
        try {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("JMH failed: " + e.getMessage(), e);
        }
    }
}
