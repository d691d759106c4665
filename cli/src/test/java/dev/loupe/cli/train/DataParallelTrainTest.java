package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.cli.Main;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code mpirun -np 2 loupe train METHOD} against the same command in one process, on a 64-image fake
 * Fashion-MNIST (CLIP: synthetic captioned shapes) with a tiny ViT, for SimCLR, VICReg, BYOL, MoCo v3, DINO (drop path on),
 * DINOv2 (masks, iBOT, KoLeo off), MAE, supervised (drop path on), CLIP and SLIP: the loss at every step within 1e-4 relative, the final checkpoint's
 * weights within 1e-4 relative over the whole model (||A - B|| / ||A||), only rank 0 writing the run
 * folder; and for SimCLR two 2-rank runs with bitwise identical checkpoints, one of them killed after
 * its step-2 checkpoint and resumed by 2 ranks to the straight run's bytes. The ranks run
 * {@link Main} on this test's class path under Open MPI (Debian: openmpi-bin, libopenmpi-dev).
 */
class DataParallelTrainTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> args(String method, Path data, Path out) {
        if (method.equals("clip") || method.equals("slip")) {
            List<String> a = new ArrayList<>(List.of(
                    "train",
                    method,
                    "--data",
                    "shapes",
                    "--shapes-train",
                    "64",
                    "--shapes-test",
                    "24",
                    "--shapes-size",
                    "16",
                    "--vision-patch",
                    "4",
                    "--vision-width",
                    "16",
                    "--vision-layers",
                    "1",
                    "--vision-heads",
                    "2",
                    "--text-width",
                    "16",
                    "--text-layers",
                    "1",
                    "--text-heads",
                    "2",
                    "--context",
                    "16",
                    "--embed-dim",
                    "8",
                    "--vocab-size",
                    "560",
                    "--max-steps",
                    "4",
                    "--batch",
                    "16",
                    "--log-every",
                    "1",
                    "--workers",
                    "1",
                    "--threads",
                    "1",
                    "--eval-batch",
                    "32",
                    "--out",
                    out.toString()));
            if (method.equals("slip")) a.addAll(List.of("--mlp-hidden", "16", "--mlp-out", "8", "--ssl-scale", "0.5"));
            return a;
        }
        List<String> a = new ArrayList<>(List.of(
                "train",
                method,
                "--data",
                "fashion-mnist",
                "--data-dir",
                data.toString(),
                "--dim",
                "16",
                "--depth",
                "1",
                "--heads",
                "2",
                "--patch",
                "7",
                "--max-steps",
                "4",
                "--batch",
                "8",
                "--warmup-steps",
                "1",
                "--log-every",
                "1",
                "--workers",
                "1",
                "--threads",
                "1",
                "--out",
                out.toString()));
        a.addAll(
                switch (method) {
                    case "simclr" ->
                        List.of(
                                "--train-limit",
                                "48",
                                "--proj-hidden",
                                "24",
                                "--proj-out",
                                "8",
                                "--knn-train",
                                "40",
                                "--knn-test",
                                "20",
                                "--knn-k",
                                "5",
                                "--eval-batch",
                                "20");
                    case "vicreg" ->
                        List.of(
                                "--train-limit",
                                "48",
                                "--expander-hidden",
                                "24",
                                "--expander-out",
                                "24",
                                "--knn-train",
                                "40",
                                "--knn-test",
                                "20",
                                "--knn-k",
                                "5",
                                "--eval-batch",
                                "20");
                    // the EMA target's batch norms run on batch statistics, synchronised like the online ones;
                    // MoCo v3's queries also meet the keys of the other rank (gathered, rank-major)
                    case "byol", "moco" ->
                        List.of(
                                "--train-limit",
                                "48",
                                "--proj-hidden",
                                "24",
                                "--proj-out",
                                "8",
                                "--knn-train",
                                "40",
                                "--knn-test",
                                "20",
                                "--knn-k",
                                "5",
                                "--eval-batch",
                                "20");
                    // DINO's default drop path 0.1: the ranks draw the masks one process would draw
                    case "dino" ->
                        List.of(
                                "--train-limit",
                                "48",
                                "--out-dim",
                                "32",
                                "--head-hidden",
                                "24",
                                "--head-bottleneck",
                                "8",
                                "--local-crops",
                                "2",
                                "--local-size",
                                "14",
                                "--freeze-last-layer",
                                "0",
                                "--knn-train",
                                "40",
                                "--knn-test",
                                "20",
                                "--knn-k",
                                "5",
                                "--eval-batch",
                                "20");
                    case "mae" ->
                        List.of(
                                "--train-limit",
                                "48",
                                "--decoder-dim",
                                "16",
                                "--decoder-depth",
                                "1",
                                "--decoder-heads",
                                "2",
                                "--knn-train",
                                "40",
                                "--knn-test",
                                "20",
                                "--knn-k",
                                "5",
                                "--eval-batch",
                                "20");
                    // KoLeo off: like DINOv2's, it looks for nearest neighbours within each rank's batch only
                    case "dinov2" ->
                        List.of(
                                "--train-limit",
                                "48",
                                "--out-dim",
                                "32",
                                "--head-hidden",
                                "24",
                                "--head-bottleneck",
                                "8",
                                "--local-crops",
                                "1",
                                "--local-size",
                                "14",
                                "--mask-probability",
                                "0.5",
                                "--koleo",
                                "0",
                                "--knn-train",
                                "40",
                                "--knn-test",
                                "20",
                                "--knn-k",
                                "5",
                                "--eval-batch",
                                "20");
                    case "supervised" ->
                        List.of("--lr", "2e-3", "--clip-grad", "1.0", "--drop-path", "0.2", "--eval-batch", "16");
                    default -> throw new IllegalArgumentException(method);
                });
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"simclr", "vicreg", "byol", "moco", "dino", "dinov2", "mae", "supervised", "clip", "slip"})
    void twoRanksFollowTheOneProcessRun(String method, @TempDir Path tmp) throws Exception {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path one = tmp.resolve("one"), two = tmp.resolve("two");
        assertEquals(0, runHere(args(method, data, one)));
        String log = mpirun(args(method, data, two));

        List<Double> a = losses(one), b = losses(two);
        assertEquals(4, a.size());
        assertEquals(a.size(), b.size(), log);
        for (int s = 0; s < a.size(); s++) {
            assertTrue(
                    Math.abs(a.get(s) - b.get(s)) <= 1e-4 * Math.abs(a.get(s)),
                    method + " step " + (s + 1) + ": loss " + b.get(s) + " with 2 ranks, " + a.get(s)
                            + " in one process");
        }
        double rel = relativeDifference(lastModel(one), lastModel(two), method.equals("slip") ? ZERO_GRADIENT : null);
        assertTrue(rel <= 1e-4, method + ": final weights differ by " + rel + " relative");
        assertEquals(
                2,
                JSON.readTree(two.resolve("config.json").toFile())
                        .path("runtime")
                        .path("world_size")
                        .asInt());
        // rank 1 printed nothing to the progress log and wrote nothing: one metrics line per step and evaluation
        assertEquals(
                Files.readAllLines(one.resolve("metrics.jsonl")).size(),
                Files.readAllLines(two.resolve("metrics.jsonl")).size());
    }

    @Test
    void twoRankRunsRepeatBitwiseAndResumeExactly(@TempDir Path tmp) throws Exception {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        List<String> a = args("simclr", data, straight);
        a.addAll(List.of("--checkpoint-every", "2"));
        List<String> b = args("simclr", data, resumed);
        b.addAll(List.of("--checkpoint-every", "2"));
        mpirun(a);
        mpirun(b);
        assertEquals(losses(straight), losses(resumed));
        for (String f : List.of("model.safetensors", "optimizer.safetensors")) {
            Path ck = Path.of("checkpoints", "step-0000002", f);
            assertArrayEquals(
                    Files.readAllBytes(straight.resolve(ck)),
                    Files.readAllBytes(resumed.resolve(ck)),
                    "two runs: " + ck);
        }
        // the second run "killed" after its step-2 checkpoint, then resumed by 2 ranks
        deleteTree(resumed.resolve("checkpoints/step-0000004"));
        Files.writeString(resumed.resolve("checkpoints/latest"), "step-0000002\n");
        Files.delete(resumed.resolve("model.safetensors"));
        b.add("--resume");
        mpirun(b);
        for (String f : List.of("model.safetensors", "optimizer.safetensors")) {
            Path ck = Path.of("checkpoints", "step-0000004", f);
            assertArrayEquals(
                    Files.readAllBytes(straight.resolve(ck)),
                    Files.readAllBytes(resumed.resolve(ck)),
                    "resumed: " + ck);
        }
        // tensors, not bytes: ModelWeights orders the header's metadata by a Map.of, whose order changes between JVMs
        Map<String, Tensor> x = SafeTensors.read(straight.resolve("model.safetensors")),
                y = SafeTensors.read(resumed.resolve("model.safetensors"));
        assertEquals(x.keySet(), y.keySet());
        for (String k : x.keySet())
            assertArrayEquals(x.get(k).toFloatArray(), y.get(k).toFloatArray(), k);
    }

    @Test
    void aTwoRankRunResumesInOneProcessWithTheSameGlobalBatch(@TempDir Path tmp) throws Exception {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path one = tmp.resolve("one"), mixed = tmp.resolve("mixed");
        List<String> a = args("simclr", data, one);
        a.addAll(List.of("--checkpoint-every", "2"));
        List<String> b = args("simclr", data, mixed);
        b.addAll(List.of("--checkpoint-every", "2"));
        assertEquals(0, runHere(a));
        mpirun(b);
        deleteTree(mixed.resolve("checkpoints/step-0000004"));
        Files.writeString(mixed.resolve("checkpoints/latest"), "step-0000002\n");
        b.add("--resume");
        assertEquals(0, runHere(b));
        List<Double> x = losses(one), y = losses(mixed);
        assertEquals(4, y.size());
        for (int s = 0; s < 4; s++)
            assertTrue(
                    Math.abs(x.get(s) - y.get(s)) <= 1e-4 * Math.abs(x.get(s)),
                    "step " + (s + 1) + ": " + y.get(s) + " vs " + x.get(s));
        assertTrue(relativeDifference(lastModel(one), lastModel(mixed), null) <= 1e-4);
        assertEquals(
                1,
                JSON.readTree(mixed.resolve("config.json").toFile())
                        .path("runtime")
                        .path("world_size")
                        .asInt());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Test
    void aBatchThatDoesNotSplitOverTheRanksIsRefused(@TempDir Path tmp) throws Exception {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        List<String> a = args("simclr", data, tmp.resolve("odd"));
        a.set(a.indexOf("--batch") + 1, "7");
        Result r = launch(a);
        assertTrue(r.code() != 0, r.output());
        assertTrue(r.output().contains("the batch of 7 does not split evenly over 2 ranks"), r.output());
        assertFalse(Files.exists(tmp.resolve("odd").resolve("checkpoints")));
    }

    private static int runHere(List<String> args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
        if (code != 0) System.err.println(err);
        return code;
    }

    private record Result(int code, String output) {}

    /** The command as 2 ranks under mpirun; fails the test unless it exits 0. Returns the output. */
    private static String mpirun(List<String> args) throws IOException, InterruptedException {
        Result r = launch(args);
        if (r.code() != 0) throw new AssertionError("mpirun exited with " + r.code() + ":\n" + r.output());
        return r.output();
    }

    private static Result launch(List<String> args) throws IOException, InterruptedException {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
            found |= Files.isExecutable(Path.of(dir, "mpirun"));
        if (!found)
            throw new AssertionError(
                    "mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin libopenmpi-dev)");
        // by name: Open MPI derives its prefix from an absolute path, and /bin/mpirun (merged /usr) gives "/"
        List<String> cmd = new ArrayList<>(List.of(
                "mpirun",
                "--allow-run-as-root",
                "--oversubscribe",
                "-np",
                "2",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
        Path log = Files.createTempFile("loupe-mpirun", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mpirun did not finish in 300 s:\n" + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }

    private static List<Double> losses(Path run) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            JsonNode r = JSON.readTree(line);
            if (r.path("type").asText().equals("step")) out.add(r.get("loss").asDouble());
        }
        return out;
    }

    private static Path lastCheckpoint(Path run) throws IOException {
        return run.resolve("checkpoints")
                .resolve(Files.readString(run.resolve("checkpoints").resolve("latest"))
                        .trim());
    }

    private static Map<String, Tensor> lastModel(Path run) throws IOException {
        return SafeTensors.read(lastCheckpoint(run).resolve("model.safetensors"));
    }

    /**
     * SLIP's parameters whose gradient is zero in exact arithmetic, and the running means they feed:
     * the biases before its SimCLR head's batch norms (the norm removes them) and the packed attention
     * biases (their key third shifts every logit of a row alike, which softmax ignores). Their
     * gradients are rounding noise, which AdamW scales to full steps of the learning rate, so they
     * differ between any two summation orders; with SLIP's learning rate they alone moved the whole
     * model by 1.7e-4 while the loss agreed to 1e-7 at every step.
     */
    private static final java.util.regex.Pattern ZERO_GRADIENT =
            java.util.regex.Pattern.compile("image_mlp\\.(layer[12]\\.bias|bn[12]\\.running_mean)|.*in_proj_bias");

    /** ||A - B|| / ||A|| over every tensor together, leaving out names matching {@code skip} (null: none). */
    private static double relativeDifference(
            Map<String, Tensor> a, Map<String, Tensor> b, java.util.regex.Pattern skip) {
        assertEquals(a.keySet(), b.keySet());
        double diff = 0, norm = 0;
        for (var e : a.entrySet()) {
            if (skip != null && skip.matcher(e.getKey()).matches()) continue;
            double[] x = e.getValue().to(DType.F64).toDoubleArray(),
                    y = b.get(e.getKey()).to(DType.F64).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                diff += (x[i] - y[i]) * (x[i] - y[i]);
                norm += x[i] * x[i];
            }
        }
        return Math.sqrt(diff) / Math.sqrt(norm);
    }
}
