package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.bench.GemmSpeed;
import dev.loupe.bench.Peer;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        ObjectMapper mapper = new ObjectMapper();
        if (!json) {
            System.out.println("loupe gemm, " + Parallel.threads() + " threads, kernels " + KernelMode.describe());
            System.out.printf("%7s %7s %7s %3s %10s %9s%n", "m", "n", "k", "op", "ms", "GFLOP/s");
        }
        List<GemmSpeed.Result> results = new ArrayList<>();
        for (GemmSpeed.Shape s : shapes) {
            GemmSpeed.Result r = GemmSpeed.measure(s, reps);
            results.add(r);
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
                System.out.printf(
                        "%7d %7d %7d %3s %10.3f %9.1f%n", r.m(), r.n(), r.k(), op, r.seconds() * 1e3, r.gflops());
            }
        }
        if (peer) comparePeer(results, mapper);
    }

    /** Runs the numpy peer on the square NN sizes just measured and prints Loupe / peer per size. */
    private void comparePeer(List<GemmSpeed.Result> results, ObjectMapper mapper) {
        List<GemmSpeed.Result> square = results.stream()
                .filter(r -> r.m() == r.n() && r.n() == r.k() && !r.transA() && !r.transB())
                .toList();
        if (square.isEmpty())
            throw new IllegalArgumentException("--peer compares square sizes only (numpy's script takes n)");
        String sizesArg = String.join(
                ",", square.stream().map(r -> Integer.toString(r.n())).toList());
        int t = Parallel.threads();
        List<JsonNode> peerRows = Peer.run(
                Peer.anchor("blas_gemm.py"),
                List.of("--sizes", sizesArg, "--reps", Integer.toString(reps)),
                Map.of("OPENBLAS_NUM_THREADS", Integer.toString(t), "OMP_NUM_THREADS", Integer.toString(t)));
        if (!json) {
            System.out.println();
            String core = peerRows.isEmpty()
                    ? "unknown"
                    : peerRows.getFirst().path("blas_core").asText("unknown");
            System.out.println("peer: numpy OpenBLAS (kernel " + core + "), " + t + " threads, run right after Loupe");
            System.out.printf("%7s %13s %13s %7s%n", "n", "loupe GFLOP/s", "numpy GFLOP/s", "ratio");
        }
        for (JsonNode row : peerRows) {
            int n = row.get("n").asInt();
            double peerGflops = row.get("gflops").asDouble();
            double ours = square.stream()
                    .filter(r -> r.n() == n)
                    .findFirst()
                    .orElseThrow()
                    .gflops();
            if (json) {
                ObjectNode o = (ObjectNode) row;
                o.put("threads", t);
                o.put("loupe_gflops", Math.round(ours * 10) / 10.0);
                o.put("ratio", Math.round(ours / peerGflops * 100) / 100.0);
                System.out.println(o);
            } else {
                System.out.printf("%7d %13.1f %13.1f %6.2fx%n", n, ours, peerGflops, ours / peerGflops);
            }
        }
    }
}
