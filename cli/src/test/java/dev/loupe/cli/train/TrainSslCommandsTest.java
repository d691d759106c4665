package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.cli.Main;
import dev.loupe.eval.collapse.RankMe;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code loupe train dino|dinov2|mae|simclr|vicreg|byol|moco} end to end on a 64-image fake Fashion-MNIST with a tiny
 * ViT: the kNN monitor's metrics (kNN top-1 and RankMe), the backbone written as a plain ViT that
 * {@code VitWeights.read} loads, and a run "killed" after its step-2 checkpoint and resumed reaching the
 * straight run's model.safetensors byte for byte (teacher, centres and EMA state in the checkpoint;
 * MAE's and DINOv2's masks drawn from (seed, step)); for VICReg, BYOL and MoCo v3 also the loss falling on one
 * repeated batch, with the method's own scalars logged.
 */
class TrainSslCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String[] args(String method, Path data, Path out, String... extra) {
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
                "--train-limit",
                "48",
                "--max-steps",
                "4",
                "--batch",
                "8",
                "--warmup-steps",
                "1",
                "--checkpoint-every",
                "2",
                "--log-every",
                "1",
                "--workers",
                "2",
                "--threads",
                "1",
                "--knn-train",
                "40",
                "--knn-test",
                "20",
                "--knn-k",
                "5",
                "--eval-batch",
                "20",
                "--out",
                out.toString()));
        a.addAll(
                switch (method) {
                    case "dino" ->
                        List.of(
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
                                "0");
                    case "dinov2" ->
                        List.of(
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
                                "1.0");
                    case "mae" -> List.of("--decoder-dim", "16", "--decoder-depth", "1", "--decoder-heads", "2");
                    case "simclr" -> List.of("--proj-hidden", "24", "--proj-out", "8");
                    case "vicreg" -> List.of("--expander-hidden", "32", "--expander-out", "32");
                    case "byol", "moco" -> List.of("--proj-hidden", "24", "--proj-out", "8");
                    default -> throw new IllegalArgumentException(method);
                });
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(args);
        if (code != 0) System.err.println(err);
        return code;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dino", "dinov2", "mae", "simclr", "vicreg", "byol", "moco"})
    void trainsWritesTheBackboneAndResumesExactly(String method, @TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path straight = tmp.resolve("runs/straight");
        assertEquals(0, run(args(method, data, straight)));

        JsonNode config = JSON.readTree(straight.resolve("config.json").toFile());
        assertEquals(method, config.path("settings").path("method").asText());
        assertEquals(48, config.path("settings").path("train_limit").asInt());
        List<JsonNode> evals = lines(straight.resolve("metrics.jsonl")).stream()
                .filter(r -> r.get("type").asText().equals("eval"))
                .toList();
        assertFalse(evals.isEmpty(), "no evaluation recorded");
        double knn = evals.getLast().get(KnnMonitor.METRIC).asDouble();
        assertTrue(knn >= 0 && knn <= 1, "knn_top1 " + knn);
        double rank = evals.getLast().get(RankMe.METRIC).asDouble();
        assertTrue(rank >= 1 && rank <= 16, "rankme " + rank + " outside [1, dim 16]");
        assertTrue(Files.readString(straight.resolve("report.md")).contains("knn top1"));
        assertTrue(Files.size(straight.resolve("plots").resolve("accuracy.png")) > 0, "the kNN curve is drawn");
        VisionTransformer backbone = VitWeights.read(straight.resolve("model.safetensors"));
        assertEquals(16, backbone.config().dim());
        assertEquals(0, backbone.config().numClasses());

        assertResumesExactly(method, data, straight, tmp.resolve("runs/resumed"));
    }

    /** SimCLR with SimMIM's masked-pixel term: its settings recorded, both terms logged, and an exact resume. */
    @Test
    void simclrWithTheMaskedImageTermLogsBothTermsAndResumesExactly(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        String[] mim = {"--mim-weight", "0.5", "--mask-probability", "1.0"};
        Path straight = tmp.resolve("runs/straight");
        assertEquals(0, run(args("simclr", data, straight, mim)));
        JsonNode settings =
                JSON.readTree(straight.resolve("config.json").toFile()).path("settings");
        assertEquals(0.5, settings.path("mim_weight").asDouble());
        assertEquals(1.0, settings.path("mask_probability").asDouble());
        List<JsonNode> train = lines(straight.resolve("metrics.jsonl")).stream()
                .filter(r -> r.get("type").asText().equals("step"))
                .toList();
        assertFalse(train.isEmpty(), "no training step logged");
        for (JsonNode r : train) {
            double contrast = r.path("ntxent").asDouble(Double.NaN),
                    pixels = r.path("masked_pixels").asDouble(Double.NaN);
            assertTrue(contrast > 0 && pixels > 0, "ntxent " + contrast + ", masked_pixels " + pixels + " in " + r);
            assertEquals(
                    contrast + 0.5 * pixels,
                    r.get("loss").asDouble(),
                    1e-4 * r.get("loss").asDouble());
        }
        assertEquals(
                0,
                VitWeights.read(straight.resolve("model.safetensors")).config().numClasses());
        assertResumesExactly("simclr", data, straight, tmp.resolve("runs/resumed"), mim);
    }

    /** A second run killed after its step-2 checkpoint and resumed writes the straight run's backbone byte for byte. */
    private static void assertResumesExactly(String method, Path data, Path straight, Path resumed, String... extra)
            throws IOException {
        assertEquals(0, run(args(method, data, resumed, extra)));
        deleteTree(resumed.resolve("checkpoints/step-0000004"));
        Files.writeString(resumed.resolve("checkpoints/latest"), "step-0000002\n");
        Files.delete(resumed.resolve("model.safetensors"));
        String[] again = java.util.Arrays.copyOf(extra, extra.length + 1);
        again[extra.length] = "--resume";
        assertEquals(0, run(args(method, data, resumed, again)));
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(resumed.resolve("model.safetensors")),
                method + ": the resumed run's backbone differs from the straight run's");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vicreg", "byol", "moco"})
    void lossFallsOnARepeatedBatchAndTheMethodsScalarsAreLogged(String method, @TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path out = tmp.resolve("runs/" + method);
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
                "--train-limit",
                "16",
                "--max-steps",
                "6",
                "--batch",
                "16",
                "--lr",
                "2e-3",
                "--warmup-steps",
                "1",
                "--log-every",
                "1",
                "--threads",
                "1",
                "--knn-train",
                "16",
                "--knn-test",
                "8",
                "--knn-k",
                "3",
                "--eval-batch",
                "16",
                "--out",
                out.toString()));
        a.addAll(
                method.equals("vicreg")
                        ? List.of("--expander-hidden", "32", "--expander-out", "32")
                        : List.of("--proj-hidden", "32", "--proj-out", "16"));
        // one batch of 16 images, seen 6 times (new augmentations each time)
        assertEquals(0, run(a.toArray(String[]::new)));
        List<JsonNode> steps = lines(out.resolve("metrics.jsonl")).stream()
                .filter(r -> r.get("type").asText().equals("step"))
                .toList();
        assertEquals(6, steps.size());
        double first = steps.getFirst().get("loss").asDouble(),
                last = steps.getLast().get("loss").asDouble();
        assertTrue(last < first, method + " loss did not fall: " + first + " -> " + last);
        List<String> scalars =
                switch (method) {
                    case "vicreg" -> List.of("invariance", "variance", "covariance");
                    case "moco" -> List.of("momentum");
                    default -> List.of("target_momentum");
                };
        for (String k : scalars)
            assertTrue(steps.getLast().path(k).asDouble(-1) >= 0, k + " missing or negative in " + steps.getLast());
        JsonNode settings = JSON.readTree(out.resolve("config.json").toFile()).path("settings");
        switch (method) {
            case "vicreg" -> assertEquals(25, settings.path("invariance_weight").asDouble());
            case "moco" -> assertEquals(0.99, settings.path("momentum_base").asDouble());
            default -> assertEquals(0.99, settings.path("target_momentum_base").asDouble());
        }
    }

    @Test
    void dinoWidensTheGlobalCropsWithoutLocalCrops(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        assertEquals("0.14,1.0", dinoGlobalScale(data, tmp.resolve("runs/locals-0"), "--local-crops", "0"));
        assertEquals("0.4,1.0", dinoGlobalScale(data, tmp.resolve("runs/locals-2"), "--local-crops", "2"));
        assertEquals(
                "0.5,1.0",
                dinoGlobalScale(data, tmp.resolve("runs/given"), "--local-crops", "0", "--global-scale", "0.5,1"));
    }

    /** One DINO step on a tiny ViT with {@code extra} flags; the global crop scale its config.json records. */
    private static String dinoGlobalScale(Path data, Path out, String... extra) throws IOException {
        List<String> a = new ArrayList<>(List.of(
                "train",
                "dino",
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
                "--train-limit",
                "16",
                "--max-steps",
                "1",
                "--batch",
                "8",
                "--warmup-steps",
                "1",
                "--threads",
                "1",
                "--knn-train",
                "8",
                "--knn-test",
                "8",
                "--knn-k",
                "3",
                "--out-dim",
                "8",
                "--head-hidden",
                "8",
                "--head-bottleneck",
                "4",
                "--local-size",
                "14",
                "--out",
                out.toString()));
        a.addAll(List.of(extra));
        assertEquals(0, run(a.toArray(String[]::new)));
        return JSON.readTree(out.resolve("config.json").toFile())
                .path("settings")
                .path("global_scale")
                .asText();
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank()) out.add(JSON.readTree(l));
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
