package dev.loupe.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.cli.train.FakeFashionMnist;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import dev.loupe.tensor.io.SafeTensors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command tree as {@link Main#commandLine} builds it: {@code --help} answers at every level without
 * asking for required options, and bad values give one line naming the option and the value, exit 1, no
 * stack trace, and no long computation first (a {@code --batch 0} that hung now fails at once).
 */
class HelpAndBadInputTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {}

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    @Test
    void helpAnswersAtEveryLevelWithoutRequiredOptionsAndShowsDefaults() {
        String[][] levels = {
            {"--help"},
            {"train", "--help"},
            {"eval", "--help"},
            {"bench", "--help"},
            {"features", "--help"},
            {"train", "supervised", "--help"},
            {"eval", "knn", "--help"},
            {"bench", "vit", "--help"}
        };
        for (String[] args : levels) {
            Outcome o = run(args);
            assertEquals(0, o.code(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.out().contains("Usage:"), String.join(" ", args) + ": " + o.out());
        }
        Outcome features = run("features", "--help");
        assertTrue(features.out().contains("Default: 64"), features.out()); // --batch's default, shown
        Outcome vit = run("bench", "vit", "--help");
        assertTrue(vit.out().contains("Default: 192"), vit.out()); // --dim
    }

    /** Every command's help renders its descriptions whole: a lone '%' makes picocli warn and print the raw text. */
    @Test
    void everyCommandsHelpFormatsWithoutPicocliWarnings() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.util.List<String> rendered = new java.util.ArrayList<>();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            renderAll(Main.commandLine(), rendered);
        } finally {
            System.setErr(saved);
        }
        assertTrue(rendered.size() > 20, "walked " + rendered);
        assertEquals("", captured.toString(), "picocli warnings while rendering help");
    }

    private static void renderAll(CommandLine command, java.util.List<String> rendered) {
        assertTrue(command.getUsageMessage().contains("Usage:"), command.getCommandName());
        rendered.add(command.getCommandName());
        for (CommandLine sub : command.getSubcommands().values()) renderAll(sub, rendered);
    }

    @Test
    @Timeout(60)
    void featuresRejectsZeroBatchAndHeadsAtOnce() throws Exception {
        Path w = dir.resolve("vit.safetensors"), x = dir.resolve("x.npy");
        SafeTensors.write(
                w, new VisionTransformer(ViTConfig.of(12, 4, 2, 24, 2, 3, 5), new Rng(3)).stateDict(), Map.of());
        Npy.write(x, Tensor.randn(new Rng(4), 3, 2, 12, 12));
        Path out = dir.resolve("f.npy");
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        out.toString(),
                        "--batch",
                        "0"),
                "--batch must be >= 1, got 0");
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "0",
                        "--images",
                        x.toString(),
                        "--out",
                        out.toString()),
                "--heads must be >= 1, got 0");
        assertFalse(Files.exists(out));
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        dir.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        out.toString()),
                dir + ": a directory, not a safetensors file");
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        dir.resolve("missing.safetensors").toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        out.toString()),
                "missing.safetensors: no such file");
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        dir.resolve("no/such/folder/f.npy").toString()),
                "does not exist");
        Path ints = dir.resolve("ints.npy");
        Npy.write(ints, Tensor.zeros(3, 2, 12, 12).to(dev.loupe.tensor.DType.I32));
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        ints.toString(),
                        "--out",
                        out.toString()),
                "images are I32; features needs float32");
    }

    @Test
    @Timeout(60)
    void featuresRefusesNaNImagesAndNaNWeightsNamingWhere() throws Exception {
        VisionTransformer vit = new VisionTransformer(ViTConfig.of(12, 4, 2, 24, 2, 3, 5), new Rng(3));
        Path w = dir.resolve("vit.safetensors"), x = dir.resolve("x.npy"), out = dir.resolve("f.npy");
        SafeTensors.write(w, vit.stateDict(), Map.of());
        Tensor images = Tensor.randn(new Rng(4), 3, 2, 12, 12);
        images.setDouble(Double.NaN, 1, 0, 2, 3);
        Npy.write(x, images);
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        w.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        out.toString()),
                "has NaN at index (1, 0, 2, 3)");
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(vit.stateDict());
        Tensor head = state.get("head.weight").contiguous();
        head.setDouble(Double.POSITIVE_INFINITY, 4, 1);
        state.put("head.weight", head);
        Path bad = dir.resolve("bad.safetensors");
        SafeTensors.write(bad, state, Map.of());
        Npy.write(x, Tensor.randn(new Rng(4), 3, 2, 12, 12));
        expectOneLineError(
                run(
                        "features",
                        "--weights",
                        bad.toString(),
                        "--heads",
                        "3",
                        "--images",
                        x.toString(),
                        "--out",
                        out.toString()),
                "tensor 'head.weight' of " + bad + " has");
        assertFalse(Files.exists(out));
    }

    @Test
    void trainingRejectsZeroHeadsZeroPatchAndAnInfiniteLearningRate() throws Exception {
        Path data = FakeFashionMnist.write(Files.createDirectories(dir.resolve("fmnist")), 16, 8);
        String[] base = {
            "train",
            "supervised",
            "--data",
            "fashion-mnist",
            "--data-dir",
            data.toString(),
            "--max-steps",
            "1",
            "--batch",
            "8",
            "--out",
            dir.resolve("run").toString()
        };
        expectOneLineError(run(concat(base, "--heads", "0")), "heads 0 must be >= 1");
        expectOneLineError(run(concat(base, "--patch", "0")), "patch 0");
        expectOneLineError(run(concat(base, "--lr", "Infinity")), "need a finite lr > 0");
        expectOneLineError(run(concat(base, "--lr", "NaN")), "need a finite lr > 0");
        expectOneLineError(run(concat(base, "--model", "tinny")), "or fmnist (dim 128, depth 6, heads 4; the default)");
    }

    @Test
    void evalTableJoinsResultsAndNamesAFolderWithout() throws Exception {
        Path knn = Files.createDirectories(dir.resolve("knn")), linear = Files.createDirectories(dir.resolve("linear"));
        dev.loupe.eval.report.EvalReport.of("dino", "fashion-mnist", "cls")
                .withKnn(java.util.List.of(new dev.loupe.eval.knn.KnnResult(10, 70.5, 95.0, new int[0])))
                .writeJson(knn.resolve("knn.json"));
        dev.loupe.eval.report.EvalReport.of("dino", "fashion-mnist", "cls")
                .withLinear(80.25)
                .writeJson(linear.resolve("linear.json"));
        Path table = dir.resolve("table.md");
        assertEquals(
                0,
                run("eval", "table", knn.toString(), linear.toString(), "--out", table.toString())
                        .code());
        assertTrue(
                Files.readString(table).contains("| dino | fashion-mnist | cls | 70.50 | - | - | - | 80.25 | - |"),
                Files.readString(table));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        expectOneLineError(run("eval", "table", empty.toString()), empty + " holds no eval results");
    }

    private static void expectOneLineError(Outcome o, String expected) {
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().contains(expected), "expected '" + expected + "' in: " + o.err());
        assertFalse(o.err().contains("\tat "), "stack trace reached the user: " + o.err());
        assertEquals(1, o.err().strip().lines().count(), "one line: " + o.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
