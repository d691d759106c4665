package dev.loupe.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import dev.loupe.tensor.io.SafeTensors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loupe features}: the contract external checks rely on. */
class FeaturesCommandTest {
    @TempDir
    Path dir;

    private final int defaultThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(defaultThreads);
    }

    /** A ViT with a head (dim 24, depth 2, 3 heads, 12x12x2 input, patch 4) saved with timm names. */
    private VisionTransformer saveModel(Path weights) throws Exception {
        VisionTransformer m = new VisionTransformer(ViTConfig.of(12, 4, 2, 24, 2, 3, 5), new Rng(3));
        SafeTensors.write(weights, m.stateDict(), Map.of());
        return m;
    }

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main()).setErr(new PrintWriter(err));
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println(ex.getMessage());
            return 1;
        });
        int code = cmd.execute(args);
        lastErr = err.toString();
        return code;
    }

    private static String lastErr = "";

    @Test
    void writesClsFeaturesAndLogitsThatMatchTheModel() throws Exception {
        Path w = dir.resolve("vit.safetensors"), x = dir.resolve("x.npy");
        VisionTransformer model = saveModel(w);
        Tensor images = Tensor.randn(new Rng(4), 5, 2, 12, 12);
        Npy.write(x, images);
        model.train(false);
        Tensor cls, logits;
        try (var scope = GradMode.disable()) {
            cls = model.forwardFeatures(Var.of(images)).data();
            logits = model.forward(Var.of(images)).data();
        }
        Path f = dir.resolve("f.npy"), l = dir.resolve("l.npy");
        assertEquals(
                0,
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        f.toString(),
                        "--batch",
                        "2"));
        assertEquals(
                0,
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        l.toString(),
                        "--output",
                        "logits"));
        assertArrayEquals(
                cls.toFloatArray(), Npy.read(f).toFloatArray(), "CLS features, batched by 2, equal one full pass");
        assertArrayEquals(new int[] {5, 24}, Npy.read(f).sizes());
        assertArrayEquals(logits.toFloatArray(), Npy.read(l).toFloatArray());
    }

    @Test
    void outputIsBitIdenticalForOneAndTwoThreads() throws Exception {
        Path w = dir.resolve("vit.safetensors"), x = dir.resolve("x.npy");
        saveModel(w);
        Npy.write(x, Tensor.randn(new Rng(5), 7, 2, 12, 12));
        Path one = dir.resolve("one.npy"), two = dir.resolve("two.npy");
        assertEquals(
                0,
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        one.toString(),
                        "--threads",
                        "1"));
        assertEquals(
                0,
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        two.toString(),
                        "--threads",
                        "2"));
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
    }

    @Test
    void imagesOfTheWrongShapeAreRefusedWithBothShapes() throws Exception {
        Path w = dir.resolve("vit.safetensors"), x = dir.resolve("x.npy");
        saveModel(w);
        Npy.write(x, Tensor.randn(new Rng(6), 2, 3, 12, 12));
        assertEquals(
                1,
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        dir.resolve("o.npy").toString()));
        assertTrue(lastErr.contains("(2, 3, 12, 12)") && lastErr.contains("(N, 2, 12, 12)"), lastErr);
        assertFalse(Files.exists(dir.resolve("o.npy")));
    }

    @Test
    void headsThatDoNotDivideTheWidthAreRefused() throws Exception {
        Path w = dir.resolve("vit.safetensors"), x = dir.resolve("x.npy");
        saveModel(w);
        Npy.write(x, Tensor.randn(new Rng(7), 1, 2, 12, 12));
        assertEquals(
                1,
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "5",
                        "--images",
                        x.toString(),
                        "--out",
                        dir.resolve("o.npy").toString()));
        assertTrue(lastErr.contains("--heads 5") && lastErr.contains("24"), lastErr);
    }
}
