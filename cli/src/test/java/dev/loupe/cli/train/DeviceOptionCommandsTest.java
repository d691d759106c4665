package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.cli.Main;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import dev.loupe.tensor.testing.TensorAssert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --device} on eval knn, eval accuracy, features, bench vit and info: each runs on opencl:0 (PoCL in CI)
 * and gives the cpu run's result (kNN and accuracy numbers equal, features within 1e-5 of their scale). Without
 * an OpenCL device the commands must refuse --device opencl:0 with the reason instead.
 */
class DeviceOptionCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String lastOut = "", lastErr = "";

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main()).setErr(new PrintWriter(err));
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println(ex.getMessage());
            return 1;
        });
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return cmd.execute(args);
        } finally {
            System.setOut(stdout);
            lastOut = out.toString(StandardCharsets.UTF_8);
            lastErr = err.toString();
            System.out.print(lastOut);
        }
    }

    /** True with an OpenCL device; otherwise checks that --device opencl:0 is refused with the reason. */
    private static boolean openClReady(Path tmp) {
        List<String> lines = Backends.describe();
        if (lines.contains("opencl: available")) {
            System.out.println("[DeviceOptionCommandsTest] on "
                    + lines.stream()
                            .filter(l -> l.contains("opencl:0 "))
                            .findFirst()
                            .orElseThrow());
            return true;
        }
        if ("1".equals(System.getenv("LOUPE_REQUIRE_OPENCL"))) fail("LOUPE_REQUIRE_OPENCL=1 but " + lines);
        System.out.println("[DeviceOptionCommandsTest] no OpenCL device; checking that --device opencl:0 is refused");
        assertNotEquals(
                0,
                run(
                        "bench",
                        "vit",
                        "--dim",
                        "16",
                        "--depth",
                        "1",
                        "--heads",
                        "2",
                        "--img",
                        "8",
                        "--device",
                        "opencl:0"));
        assertTrue(lastErr.contains("backend opencl:0 is not usable here"), lastErr);
        return false;
    }

    @Test
    void evalFeaturesBenchAndInfoOnOpenClMatchTheCpu(@TempDir Path tmp) throws IOException {
        if (!openClReady(tmp)) return;
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 60, 30);
        Path weights = tmp.resolve("tiny/model.safetensors");
        Files.createDirectories(weights.getParent());
        VitWeights.write(weights, new VisionTransformer(ViTConfig.of(28, 7, 1, 16, 2, 2, 10), new Rng(3)));

        for (String device : List.of("cpu", "opencl:0")) {
            assertEquals(
                    0,
                    run(
                            "eval",
                            "knn",
                            "--weights",
                            weights.toString(),
                            "--data",
                            "fashion-mnist",
                            "--data-dir",
                            data.toString(),
                            "--threads",
                            "1",
                            "--batch",
                            "16",
                            "--features",
                            "cls+mean",
                            "--k",
                            "5,10",
                            "--device",
                            device,
                            "--out",
                            tmp.resolve("knn-" + device).toString()),
                    lastErr);
            assertEquals(
                    0,
                    run(
                            "eval",
                            "accuracy",
                            "--weights",
                            weights.toString(),
                            "--data",
                            "fashion-mnist",
                            "--data-dir",
                            data.toString(),
                            "--batch",
                            "16",
                            "--workers",
                            "1",
                            "--device",
                            device,
                            "--out",
                            tmp.resolve("acc-" + device).toString()),
                    lastErr);
        }
        JsonNode knnCpu = JSON.readTree(tmp.resolve("knn-cpu/knn.json").toFile()),
                knnCl = JSON.readTree(tmp.resolve("knn-opencl:0/knn.json").toFile());
        assertEquals(knnCpu.get("knnTop1"), knnCl.get("knnTop1"), "kNN on opencl:0 features");
        JsonNode accCpu = JSON.readTree(tmp.resolve("acc-cpu/accuracy.json").toFile()),
                accCl = JSON.readTree(tmp.resolve("acc-opencl:0/accuracy.json").toFile());
        assertEquals(accCpu.get("correct"), accCl.get("correct"), "eval accuracy on opencl:0");
        assertEquals(accCpu.get("confusion"), accCl.get("confusion"));

        Path images = tmp.resolve("x.npy");
        Npy.write(images, Tensor.randn(new Rng(4), 5, 1, 28, 28));
        for (String device : List.of("cpu", "opencl:0")) {
            assertEquals(
                    0,
                    run(
                            "features",
                            "--weights",
                            weights.toString(),
                            "--images",
                            images.toString(),
                            "--output",
                            "logits",
                            "--batch",
                            "2",
                            "--device",
                            device,
                            "--out",
                            tmp.resolve("f-" + device + ".npy").toString()),
                    lastErr);
        }
        TensorAssert.assertCloseToScale(
                "features --output logits on opencl:0",
                Npy.read(tmp.resolve("f-cpu.npy")),
                Npy.read(tmp.resolve("f-opencl:0.npy")),
                1e-5);

        assertEquals(
                0,
                run(
                        "bench",
                        "vit",
                        "--dim",
                        "16",
                        "--depth",
                        "1",
                        "--heads",
                        "2",
                        "--img",
                        "8",
                        "--patch",
                        "4",
                        "--batch",
                        "4",
                        "--steps",
                        "1",
                        "--warmup",
                        "1",
                        "--device",
                        "opencl:0",
                        "--json"),
                lastErr);
        JsonNode bench = JSON.readTree(lastOut.lines()
                .filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b)
                .orElseThrow());
        assertEquals("opencl:0", bench.get("device").asText());
        assertTrue(
                bench.get("train_img_s").asDouble() > 0
                        && bench.get("device_bytes_peak").asLong() > 0,
                bench.toString());

        assertEquals(0, run("info", "--device", "opencl:0"), lastErr);
        assertTrue(
                lastOut.lines()
                        .anyMatch(l ->
                                l.contains("opencl:0 memory: ") && l.contains("in use (peak") && l.contains("budget")),
                lastOut);
    }
}
