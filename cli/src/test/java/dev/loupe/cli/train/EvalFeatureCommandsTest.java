package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.cli.Main;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.Rng;
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
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code loupe eval knn|linear|finetune} on a fake Fashion-MNIST whose class is a bright band of
 * rows: raw pixels separate it almost perfectly, so the raw-pixel kNN and linear numbers must be
 * high; a random ViT and a weights file give numbers in range; features of a weights file are
 * extracted once and then read from the cache; fine-tuning runs a few steps in its own run folder.
 * (The eval commands live in dev.loupe.cli.eval; this test sits here to share FakeFashionMnist.)
 */
class EvalFeatureCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(args);
        if (code != 0) System.err.println(err);
        return code;
    }

    private static String[] args(String command, Path data, String weights, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "eval",
                command,
                "--weights",
                weights,
                "--data",
                "fashion-mnist",
                "--data-dir",
                data.toString(),
                "--threads",
                "1",
                "--batch",
                "32",
                "--out",
                out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void knnAndLinearOnRawRandomAndFileFeatures(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 100, 40);

        assertEquals(0, run(args("knn", data, "raw", tmp.resolve("raw-knn"))));
        JsonNode knn = JSON.readTree(tmp.resolve("raw-knn/knn.json").toFile());
        assertEquals("raw pixels", knn.get("method").asText());
        for (String k : List.of("10", "20", "100"))
            assertTrue(knn.get("knnTop1").has(k), "k " + k);
        assertTrue(knn.get("knnTop1").get("10").asDouble() >= 90, "raw-pixel kNN separates the bands: " + knn);
        assertTrue(Files.readString(tmp.resolve("raw-knn/report.md")).contains("| method |"));

        assertEquals(0, run(args("linear", data, "raw", tmp.resolve("raw-logreg"), "--probe", "logreg")));
        JsonNode logreg = JSON.readTree(tmp.resolve("raw-logreg/linear.json").toFile());
        assertTrue(logreg.get("logisticTop1").asDouble() >= 90, "logistic regression on raw pixels: " + logreg);
        assertTrue(Files.size(tmp.resolve("raw-logreg/confusion.png")) > 0);

        assertEquals(
                0,
                run(args(
                        "linear",
                        data,
                        "raw",
                        tmp.resolve("raw-sgd"),
                        "--epochs",
                        "30",
                        "--probe-batch",
                        "20",
                        "--probe-lr",
                        "0.2",
                        "--train-limit",
                        "80")));
        JsonNode sgd = JSON.readTree(tmp.resolve("raw-sgd/linear.json").toFile());
        assertTrue(sgd.get("linearTop1").asDouble() >= 80, "BN + linear SGD probe on raw pixels: " + sgd);

        assertEquals(
                0,
                run(args(
                        "knn",
                        data,
                        "random",
                        tmp.resolve("random-knn"),
                        "--dim",
                        "16",
                        "--depth",
                        "1",
                        "--heads",
                        "2",
                        "--patch",
                        "7",
                        "--features",
                        "mean")));
        JsonNode random = JSON.readTree(tmp.resolve("random-knn/knn.json").toFile());
        assertEquals("mean", random.get("features").asText());
        double r20 = random.get("knnTop1").get("20").asDouble();
        assertTrue(r20 >= 0 && r20 <= 100, random.toString());

        Path weights = tmp.resolve("tiny/model.safetensors");
        Files.createDirectories(weights.getParent());
        VitWeights.write(weights, new VisionTransformer(ViTConfig.of(28, 7, 1, 16, 2, 2, 0), new Rng(3)));
        Path cache = tmp.resolve("cache");
        assertEquals(
                0,
                run(args(
                        "knn",
                        data,
                        weights.toString(),
                        tmp.resolve("file-knn"),
                        "--cache",
                        cache.toString(),
                        "--features",
                        "last2")));
        assertEquals(2, cacheEntries(cache), "train and test features cached");
        long modified = Files.getLastModifiedTime(cache).toMillis();
        assertEquals(
                0,
                run(args(
                        "linear",
                        data,
                        weights.toString(),
                        tmp.resolve("file-linear"),
                        "--cache",
                        cache.toString(),
                        "--features",
                        "last2",
                        "--epochs",
                        "2")));
        assertEquals(2, cacheEntries(cache), "the linear probe reads the kNN's features");
        assertEquals(modified, Files.getLastModifiedTime(cache).toMillis());
        JsonNode fileKnn = JSON.readTree(tmp.resolve("file-knn/knn.json").toFile());
        assertEquals("tiny", fileKnn.get("method").asText());
        assertEquals("last2", fileKnn.get("features").asText());

        assertNotEquals(
                0,
                run(args("knn", data, weights.toString(), tmp.resolve("bad"), "--features", "pooled")),
                "unknown feature mode");
    }

    @Test
    void featuresDefaultToTheModelsOwnPooling(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 40, 20);
        ViTConfig cls = ViTConfig.of(28, 7, 1, 16, 1, 2, 0);
        for (boolean mean : new boolean[] {true, false}) {
            Path weights = tmp.resolve((mean ? "mean" : "cls") + "/model.safetensors");
            Files.createDirectories(weights.getParent());
            VitWeights.write(weights, new VisionTransformer(cls.withMeanPool(mean), new Rng(4)));
            Path out = tmp.resolve((mean ? "mean" : "cls") + "-knn");
            assertEquals(0, run(args("knn", data, weights.toString(), out)));
            String features = JSON.readTree(out.resolve("knn.json").toFile())
                    .get("features")
                    .asText();
            assertEquals(
                    mean ? "mean" : "cls",
                    features,
                    "default features of a " + (mean ? "mean" : "CLS") + "-pooled model");
        }
    }

    /** eval linear on last2+mean for 2 epochs, publishing weights to published. */
    private static String[] publishArgs(Path data, Path weights, Path out, Path published, String... extra) {
        List<String> a = new ArrayList<>(
                List.of(args("linear", data, weights.toString(), out, "--features", "last2+mean", "--epochs", "2")));
        a.addAll(List.of("--publish", published.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** A small mean-pooled ViT for 28 x 28 grey images, written to file. */
    private static VisionTransformer meanPooledModel(Path file, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        VisionTransformer vit =
                new VisionTransformer(ViTConfig.of(28, 7, 1, 16, 2, 2, 0).withMeanPool(true), new Rng(seed));
        VitWeights.write(file, vit);
        return vit;
    }

    @Test
    void aPublishedBackboneCarriesItsProbeAndPrintsWithoutOut(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 40, 20);
        Path weights = tmp.resolve("run/model.safetensors");
        VisionTransformer vit = meanPooledModel(weights, 6);
        Path published = tmp.resolve("models/published.safetensors");
        Files.createDirectories(published.getParent());
        assertEquals(0, run(publishArgs(data, weights, tmp.resolve("first"), published)));
        double top1 = JSON.readTree(tmp.resolve("first/linear.json").toFile())
                .get("linearTop1")
                .asDouble();
        Map<String, String> meta = SafeTensors.readMetadata(published);
        assertEquals("last2+mean", meta.get(VitWeights.PROBE_FEATURES));
        assertEquals(String.format(Locale.ROOT, "%.2f", top1), meta.get(VitWeights.PROBE_TOP1));
        assertEquals("sgd on fashion-mnist (40 train, 20 test)", meta.get(VitWeights.PROBE));
        assertEquals("mean", meta.get(VitWeights.POOL), "the source's metadata is kept");
        assertEquals(vit.stateDict().keySet(), SafeTensors.read(published).keySet());

        Path again = tmp.resolve("again");
        assertEquals(0, run(args("linear", data, published.toString(), again, "--epochs", "2")));
        assertEquals(
                "last2+mean",
                JSON.readTree(again.resolve("linear.json").toFile())
                        .get("features")
                        .asText(),
                "eval linear reads the published probe's features by default");

        List<String> noOut = new ArrayList<>(List.of(args("knn", data, published.toString(), tmp.resolve("x"))));
        int at = noOut.indexOf("--out");
        noOut.subList(at, at + 2).clear();
        assertEquals(0, run(noOut.toArray(String[]::new)), "--out is optional");
        assertFalse(Files.exists(tmp.resolve("x")));
        assertNotEquals(
                0,
                run(args(
                        "linear",
                        data,
                        "raw",
                        tmp.resolve("raw"),
                        "--publish",
                        tmp.resolve("p.safetensors").toString())),
                "raw pixels have no backbone to publish");
        assertNotEquals(
                0,
                run(args(
                        "linear",
                        data,
                        published.toString(),
                        tmp.resolve("h"),
                        "--holdout",
                        "20",
                        "--publish",
                        tmp.resolve("h.safetensors").toString())),
                "a published probe is scored on the test split");
        assertFalse(Files.exists(tmp.resolve("h.safetensors")));
    }

    @Test
    void aHalfPublishRecordsTheProbeOfTheRoundedWeightsItStores(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 40, 20);
        Path weights = tmp.resolve("run/model.safetensors");
        VisionTransformer vit = meanPooledModel(weights, 7);
        Path published = tmp.resolve("models/half.safetensors");
        Files.createDirectories(published.getParent());
        assertEquals(0, run(publishArgs(data, weights, tmp.resolve("first"), published, "--publish-half")));
        assertFalse(Files.exists(tmp.resolve("models/half.safetensors.f16-staged")), "the staged copy is removed");
        assertEquals(
                "run",
                JSON.readTree(tmp.resolve("first/linear.json").toFile())
                        .get("method")
                        .asText(),
                "the report names the given weights, not the staged copy");
        assertTrue(new String(Files.readAllBytes(published), StandardCharsets.UTF_8).contains("\"dtype\":\"F16\""));

        Map<String, Tensor> stored = SafeTensors.read(published);
        vit.stateDict().forEach((name, t) -> {
            float[] want = t.toFloatArray(), got = stored.get(name).toFloatArray();
            for (int i = 0; i < want.length; i++)
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(want[i])), got[i], name + " element " + i);
        });
        Path again = tmp.resolve("again");
        assertEquals(0, run(args("linear", data, published.toString(), again, "--epochs", "2")));
        assertEquals(
                SafeTensors.readMetadata(published).get(VitWeights.PROBE_TOP1),
                String.format(
                        Locale.ROOT,
                        "%.2f",
                        JSON.readTree(again.resolve("linear.json").toFile())
                                .get("linearTop1")
                                .asDouble()),
                "probing the published file gives the top-1 it records");
        assertNotEquals(
                0,
                run(args("linear", data, weights.toString(), tmp.resolve("x"), "--publish-half")),
                "--publish-half needs --publish");
    }

    @Test
    void holdoutScoresTheTrainingTailAndNeverTheTestSplit(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 100, 40);
        assertEquals(0, run(args("knn", data, "raw", tmp.resolve("held"), "--holdout", "30")));
        JsonNode held = JSON.readTree(tmp.resolve("held/knn.json").toFile());
        assertEquals("fashion-mnist-holdout30", held.get("dataset").asText());
        assertTrue(
                held.get("knnTop1").get("10").asDouble() >= 90, "the bands separate on held-out training images too");
        assertNotEquals(
                0, run(args("knn", data, "raw", tmp.resolve("all"), "--holdout", "100")), "nothing left to train on");
    }

    @Test
    void finetunesABackboneInItsOwnRunFolder(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path weights = tmp.resolve("backbone.safetensors");
        VitWeights.write(weights, new VisionTransformer(ViTConfig.of(28, 7, 1, 16, 2, 2, 0), new Rng(5)));
        Path out = tmp.resolve("ft");
        assertEquals(
                0,
                run(
                        "eval",
                        "finetune",
                        "--weights",
                        weights.toString(),
                        "--data",
                        "fashion-mnist",
                        "--data-dir",
                        data.toString(),
                        "--max-steps",
                        "4",
                        "--batch",
                        "16",
                        "--threads",
                        "1",
                        "--workers",
                        "1",
                        "--eval-batch",
                        "16",
                        "--log-every",
                        "1",
                        "--out",
                        out.toString()));
        JsonNode settings = JSON.readTree(out.resolve("config.json").toFile()).get("settings");
        assertEquals("finetune", settings.get("method").asText());
        assertEquals("0.75", settings.get("layer_decay").asText());
        assertEquals(0.1, settings.get("drop_path").asDouble(), 0);
        VisionTransformer tuned = VitWeights.read(out.resolve("model.safetensors"));
        assertEquals(10, tuned.config().numClasses());
        assertTrue(Files.readString(out.resolve("report.md")).contains("test accuracy"));
        assertNotEquals(
                0,
                run(
                        "eval",
                        "finetune",
                        "--weights",
                        "raw",
                        "--data",
                        "fashion-mnist",
                        "--data-dir",
                        data.toString(),
                        "--max-steps",
                        "1",
                        "--out",
                        tmp.resolve("raw-ft").toString()));
    }

    private static long cacheEntries(Path cache) throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(p -> p.toString().endsWith(".safetensors")).count();
        }
    }
}
