package dev.loupe.cli;

import dev.loupe.bench.GemmReport;
import dev.loupe.bench.GemmSpeed;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loupe bench gemm}: single-precision GEMM speed, timed like the numpy peer
 * ({@code shared/anchors/blas_gemm.py}: median repetition, GFLOP/s = 2mnk / t), so the two can run back to back.
 */
@Command(name = "gemm", description = "Time C = A.B and print GFLOP/s per size.")
final class BenchGemmCommand implements Runnable {
    @Option(
            names = "--sizes",
            split = ",",
            defaultValue = "256,512,1024,2048",
            description =
                    "Comma-separated sizes: n (square) or MxNxK, optionally :NN/:NT/:TN/:TT (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--threads", description = "Worker threads (default: cores).")
    Integer threads;

    @Option(
            names = "--reps",
            defaultValue = "7",
            description = "Timed repetitions per size; the median is reported (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(
            names = "--peer",
            description = "Also run numpy's OpenBLAS (../shared/anchors/blas_gemm.py) on the same square sizes "
                    + "and thread count right after, and print the ratio.")
    boolean peer;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        List<GemmSpeed.Shape> shapes = new ArrayList<>();
        for (String s : sizes) shapes.add(GemmSpeed.Shape.parse(s));
        GemmReport report = new GemmReport(System.out, json);
        report.heading(Parallel.threads(), KernelMode.describe());
        List<GemmSpeed.Result> results = new ArrayList<>();
        for (GemmSpeed.Shape s : shapes) {
            GemmSpeed.Result r = GemmSpeed.measure(s, reps);
            results.add(r);
            report.result(r);
        }
        if (peer) report.comparePeer(results, reps, Parallel.threads());
    }
}
