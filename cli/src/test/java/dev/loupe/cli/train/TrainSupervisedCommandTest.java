package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.cli.Main;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code loupe train supervised} end to end on a 64-image fake Fashion-MNIST: the run folder's
 * files, a resume from a mid-run checkpoint (the later checkpoints removed as if the run had been
 * killed after step 2) reaching the straight run's final weights bit for bit, the refusal to resume
 * with other settings, the {@code --resume runs/NAME} form, and {@code loupe eval accuracy} on the result.
 */
class TrainSupervisedCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String[] args(Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(
                "train",
                "supervised",
                "--data",
                "fashion-mnist",
                "--data-dir",
                data.toString(),
                "--dim",
                "16",
                "--depth",
                "2",
                "--heads",
                "2",
                "--patch",
                "7",
                "--drop-path",
                "0.1",
                "--max-steps",
                "6",
                "--batch",
                "16",
                "--lr",
                "2e-3",
                "--warmup-steps",
                "2",
                "--clip-grad",
                "1.0",
                "--checkpoint-every",
                "2",
                "--log-every",
                "1",
                "--workers",
                "2",
                "--threads",
                "1",
                "--eval-batch",
                "16",
                "--out",
                out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(args);
        if (code != 0) System.err.println(err);
        return code;
    }

    @Test
    void augmentAndPoolingAreChosenAndRecorded(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path out = tmp.resolve("runs/flip-mean");
        assertEquals(0, run(args(data, out, "--augment", "flip", "--pool", "mean")));
        JsonNode settings = JSON.readTree(out.resolve("config.json").toFile()).path("settings");
        assertEquals("flip", settings.path("augment").asText());
        assertEquals("mean", settings.path("pool").asText());
        assertFalse(settings.has("train_crop_padding"), "padding belongs to pad-crop only");
        assertNotEquals(
                0,
                run(args(data, tmp.resolve("runs/bad-augment"), "--augment", "mixup")),
                "an unknown recipe is refused");
        assertNotEquals(
                0, run(args(data, tmp.resolve("runs/bad-pool"), "--pool", "max")), "an unknown pooling is refused");
    }

    @Test
    void overlappingPatchesTrainRecordAndEvaluate(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path out = tmp.resolve("runs/overlap");
        assertEquals(
                0,
                run(args(
                        data,
                        out,
                        "--patch-kernel",
                        "9",
                        "--pool",
                        "mean"))); // patch 7, kernel 9, padding 1: still a 4x4 grid
        JsonNode settings = JSON.readTree(out.resolve("config.json").toFile()).path("settings");
        assertEquals(9, settings.path("patch_kernel").asInt());
        assertEquals(7, settings.path("patch").asInt());
        var read = VitWeights.read(out.resolve("model.safetensors")).config();
        assertEquals(9, read.patchKernel());
        assertEquals(7, read.patch());
        assertTrue(read.meanPool(), "the pooling the head was trained with travels in the metadata");
        assertEquals(
                0,
                run(
                        "eval",
                        "accuracy",
                        "--weights",
                        out.resolve("model.safetensors").toString(),
                        "--data",
                        "fashion-mnist",
                        "--data-dir",
                        data.toString(),
                        "--batch",
                        "10",
                        "--workers",
                        "1",
                        "--out",
                        tmp.resolve("eval").toString()));
        // the run's last evaluation measured the same weights on the same test set, with the same pooling
        double top1 = JSON.readTree(tmp.resolve("eval/accuracy.json").toFile())
                .get("top1")
                .asDouble();
        assertEquals(
                top1,
                lines(out.resolve("metrics.jsonl")).stream()
                        .filter(r -> r.get("type").asText().equals("eval"))
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .get("test_accuracy")
                        .asDouble(),
                1e-6);
        assertNotEquals(
                0,
                run(args(data, tmp.resolve("runs/bad-kernel"), "--patch-kernel", "8")),
                "a kernel that changes the grid is refused");
    }

    @Test
    void runFolderResumeAndEvalAccuracy(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path straight = tmp.resolve("runs/straight"), resumed = tmp.resolve("runs/resumed");
        assertEquals(0, run(args(data, straight)));

        for (String f : List.of(
                "config.json",
                "metrics.jsonl",
                "report.md",
                "model.safetensors",
                "plots/loss.png",
                "plots/accuracy.png",
                "plots/confusion.png",
                "checkpoints/latest",
                "checkpoints/step-0000006/model.safetensors",
                "checkpoints/step-0000006/optimizer.safetensors",
                "checkpoints/step-0000006/trainer.safetensors")) {
            assertTrue(Files.isRegularFile(straight.resolve(f)), f + " missing");
        }
        JsonNode config = JSON.readTree(straight.resolve("config.json").toFile());
        assertEquals("supervised", config.path("settings").path("method").asText());
        assertEquals(16, config.path("settings").path("dim").asInt());
        List<JsonNode> records = lines(straight.resolve("metrics.jsonl"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps(records, "step"));
        // 4 batches per epoch: evaluation at the end of epoch 0 and at the end of the run
        assertEquals(List.of(4L, 6L), steps(records, "eval"));
        assertTrue(
                records.getFirst().has("train_accuracy") && records.getFirst().has("images_per_s"));
        String report = Files.readString(straight.resolve("report.md"));
        assertTrue(
                report.contains("plots/loss.png")
                        && report.contains("test accuracy")
                        && report.contains("| true \\ predicted |"),
                report);

        // the same run, "killed" after the checkpoint at step 2: later checkpoints and outputs removed
        assertEquals(0, run(args(data, resumed)));
        for (String step : List.of("step-0000004", "step-0000006"))
            deleteTree(resumed.resolve("checkpoints").resolve(step));
        Files.writeString(resumed.resolve("checkpoints/latest"), "step-0000002\n");
        Files.delete(resumed.resolve("model.safetensors"));
        assertNotEquals(
                0, run(args(data, resumed)), "a second run into the same folder without --resume must be refused");
        assertNotEquals(
                0, run(args(data, resumed, "--resume", "--label-smoothing", "0.1")), "other settings must be refused");
        String[] resumeByName = args(data, resumed);
        resumeByName[resumeByName.length - 2] = "--resume"; // --resume runs/NAME, without --out
        assertEquals(0, run(resumeByName));

        assertBitwiseEqual(
                SafeTensors.read(straight.resolve("model.safetensors")),
                SafeTensors.read(resumed.resolve("model.safetensors")));
        List<JsonNode> resumedRecords = lines(resumed.resolve("metrics.jsonl"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), steps(resumedRecords, "step"));
        assertEquals(records.get(5).get("loss"), resumedRecords.get(5).get("loss"));
        assertEquals(
                16,
                VitWeights.read(resumed.resolve("model.safetensors")).config().dim());

        Path evalOut = tmp.resolve("eval");
        assertEquals(
                0,
                run(
                        "eval",
                        "accuracy",
                        "--weights",
                        straight.resolve("model.safetensors").toString(),
                        "--data",
                        "fashion-mnist",
                        "--data-dir",
                        data.toString(),
                        "--batch",
                        "10",
                        "--workers",
                        "1",
                        "--out",
                        evalOut.toString()));
        JsonNode acc = JSON.readTree(evalOut.resolve("accuracy.json").toFile());
        assertEquals(32, acc.get("total").asInt());
        long diagonal = 0, sum = 0;
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++)
                sum += acc.get("confusion").get(i).get(j).asLong();
            diagonal += acc.get("confusion").get(i).get(i).asLong();
        }
        assertEquals(32, sum);
        assertEquals(diagonal, acc.get("correct").asLong());
        assertEquals(diagonal / 32.0, acc.get("top1").asDouble(), 1e-12);
        assertTrue(Files.size(evalOut.resolve("confusion.png")) > 0);
        // the run's last evaluation measured the same weights on the same test set
        assertEquals(
                acc.get("top1").asDouble(),
                records.stream()
                        .filter(r -> r.get("type").asText().equals("eval"))
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .get("test_accuracy")
                        .asDouble(),
                1e-12);
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank()) out.add(JSON.readTree(l));
        return out;
    }

    private static List<Long> steps(List<JsonNode> records, String type) {
        return records.stream()
                .filter(r -> r.get("type").asText().equals(type))
                .map(r -> r.get("step").asLong())
                .toList();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static void assertBitwiseEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        List<String> differ = new ArrayList<>();
        expected.forEach((k, t) -> {
            if (!Arrays.equals(t.toFloatArray(), actual.get(k).toFloatArray())) differ.add(k);
        });
        assertEquals(List.of(), differ, "parameters that differ after resume");
    }
}
