package dev.loupe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.bench.GemmSpeed;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code loupe bench gemm}: single-precision GEMM speed, timed like the numpy peer
 * ({@code shared/anchors/blas_gemm.py}: median repetition, GFLOP/s = 2mnk / t), so the two can run back to back.
 */
@Command(name = "gemm", description = "Time C = A.B and print GFLOP/s per size.")
final class BenchGemmCommand implements Runnable {
    @Option(names = "--sizes", split = ",", defaultValue = "256,512,1024,2048",
            description = "Comma-separated sizes: n (square) or MxNxK, optionally :NN/:NT/:TN/:TT (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--threads", description = "Worker threads (default: cores).")
    Integer threads;

    @Option(names = "--reps", defaultValue = "7", description = "Timed repetitions per size; the median is reported (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        List<GemmSpeed.Shape> shapes = new ArrayList<>();
        for (String s : sizes) shapes.add(GemmSpeed.Shape.parse(s));
        ObjectMapper mapper = new ObjectMapper();
        if (!json) {
            System.out.println("loupe gemm, " + Parallel.threads() + " threads, kernels " + KernelMode.describe());
            System.out.printf("%7s %7s %7s %3s %10s %9s%n", "m", "n", "k", "op", "ms", "GFLOP/s");
        }
        for (GemmSpeed.Shape s : shapes) {
            GemmSpeed.Result r = GemmSpeed.measure(s, reps);
            String op = (r.transA() ? "T" : "N") + (r.transB() ? "T" : "N");
            if (json) {
                ObjectNode o = mapper.createObjectNode();
                o.put("impl", "loupe");
                o.put("m", r.m());
                o.put("n", r.n());
                o.put("k", r.k());
                o.put("op", op);
                o.put("threads", r.threads());
                o.put("seconds", r.seconds());
                o.put("gflops", Math.round(r.gflops() * 10) / 10.0);
                System.out.println(o);
            } else {
                System.out.printf("%7d %7d %7d %3s %10.3f %9.1f%n", r.m(), r.n(), r.k(), op, r.seconds() * 1e3, r.gflops());
            }
        }
    }
}
