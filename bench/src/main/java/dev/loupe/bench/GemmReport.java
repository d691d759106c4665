package dev.loupe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * What {@code loupe bench gemm} prints: a table (a heading, then m, n, k, op, ms and GFLOP/s per shape)
 * or one JSON object per line, and with the numpy peer ({@code blas_gemm.py}) run right after on the
 * square sizes, the peer's GFLOP/s and the ratio Loupe / numpy per size.
 */
public final class GemmReport {
    private final PrintStream out;
    private final boolean json;
    private final ObjectMapper mapper = new ObjectMapper();

    /** A report on out, as JSON lines when json, else as a table. */
    public GemmReport(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** The table's heading (nothing for JSON): the thread count and kernels, then the column names. */
    public void heading(int threads, String kernels) {
        if (json) return;
        out.println("loupe gemm, " + threads + " threads, kernels " + kernels);
        out.printf("%7s %7s %7s %3s %10s %9s%n", "m", "n", "k", "op", "ms", "GFLOP/s");
    }

    /** NN, NT, TN or TT: how A and B were stored. */
    static String op(GemmSpeed.Result r) {
        return (r.transA() ? "T" : "N") + (r.transB() ? "T" : "N");
    }

    /** One measured shape: a table row, or {"impl": "loupe", m, n, k, op, threads, seconds, gflops (1 decimal)}. */
    public void result(GemmSpeed.Result r) {
        if (json) {
            ObjectNode o = mapper.createObjectNode();
            o.put("impl", "loupe");
            o.put("m", r.m());
            o.put("n", r.n());
            o.put("k", r.k());
            o.put("op", op(r));
            o.put("threads", r.threads());
            o.put("seconds", r.seconds());
            o.put("gflops", Math.round(r.gflops() * 10) / 10.0);
            out.println(o);
        } else {
            out.printf("%7d %7d %7d %3s %10.3f %9.1f%n", r.m(), r.n(), r.k(), op(r), r.seconds() * 1e3, r.gflops());
        }
    }

    /**
     * Runs the numpy peer on the square NN sizes among results, with reps repetitions and threads
     * BLAS threads, and prints Loupe / peer per size.
     */
    public void comparePeer(List<GemmSpeed.Result> results, int reps, int threads) {
        List<GemmSpeed.Result> square = squareNN(results);
        String sizesArg = String.join(
                ",", square.stream().map(r -> Integer.toString(r.n())).toList());
        List<JsonNode> peerRows = Peer.run(
                Peer.anchor("blas_gemm.py"),
                List.of("--sizes", sizesArg, "--reps", Integer.toString(reps)),
                Map.of(
                        "OPENBLAS_NUM_THREADS",
                        Integer.toString(threads),
                        "OMP_NUM_THREADS",
                        Integer.toString(threads)));
        peer(square, peerRows, threads);
    }

    /** The square shapes stored NN among results: the ones numpy's script can time (it takes n). */
    static List<GemmSpeed.Result> squareNN(List<GemmSpeed.Result> results) {
        List<GemmSpeed.Result> square = results.stream()
                .filter(r -> r.m() == r.n() && r.n() == r.k() && !r.transA() && !r.transB())
                .toList();
        if (square.isEmpty())
            throw new IllegalArgumentException("--peer compares square sizes only (numpy's script takes n)");
        return square;
    }

    /** The comparison of square with the peer's rows (one per n): a table, or each row with Loupe's figures added. */
    void peer(List<GemmSpeed.Result> square, List<JsonNode> peerRows, int threads) {
        if (!json) {
            out.println();
            String core = peerRows.isEmpty()
                    ? "unknown"
                    : peerRows.getFirst().path("blas_core").asText("unknown");
            out.println("peer: numpy OpenBLAS (kernel " + core + "), " + threads + " threads, run right after Loupe");
            out.printf("%7s %13s %13s %7s%n", "n", "loupe GFLOP/s", "numpy GFLOP/s", "ratio");
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
                o.put("threads", threads);
                o.put("loupe_gflops", Math.round(ours * 10) / 10.0);
                o.put("ratio", Math.round(ours / peerGflops * 100) / 100.0);
                out.println(o);
            } else {
                out.printf("%7d %13.1f %13.1f %6.2fx%n", n, ours, peerGflops, ours / peerGflops);
            }
        }
    }
}
