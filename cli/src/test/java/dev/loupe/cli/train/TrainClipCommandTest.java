package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.cli.Main;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipWeights;
import dev.loupe.tensor.io.SafeTensors;
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
import picocli.CommandLine;

/**
 * {@code loupe train clip} end to end on 64 shapes images of 16 px with tiny towers: the run folder
 * (weights with open_clip names, the BPE merges trained on the captions, zero-shot evaluations),
 * a run "killed" after its step-2 checkpoint and resumed reaching the straight run's
 * model.safetensors byte for byte, and {@code loupe eval zeroshot --linear} / {@code loupe eval
 * retrieval} on the result, the zero-shot accuracy agreeing with the run's last evaluation.
 */
class TrainClipCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> tinyArgs(String method, Path out) {
        return new ArrayList<>(List.of(
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
                "6",
                "--batch",
                "16",
                "--checkpoint-every",
                "2",
                "--log-every",
                "1",
                "--workers",
                "2",
                "--threads",
                "1",
                "--eval-batch",
                "32",
                "--out",
                out.toString()));
    }

    /** {@code eval zeroshot --weights W --merges M} then more, as a mutable list. */
    static List<String> zeroshotArgs(Path weights, Path merges, String... more) {
        List<String> args = new ArrayList<>(
                List.of("eval", "zeroshot", "--weights", weights.toString(), "--merges", merges.toString()));
        args.addAll(List.of(more));
        return args;
    }

    static int run(List<String> args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(args.toArray(String[]::new));
        if (code != 0) System.err.println(err);
        return code;
    }

    /** Runs straight and killed-after-step-2-then-resumed; asserts the final weights are the same bytes. */
    static void assertResumeExact(String method, Path tmp, List<String> extra) throws IOException {
        Path straight = tmp.resolve("runs/straight"), resumed = tmp.resolve("runs/resumed");
        List<String> a = tinyArgs(method, straight);
        a.addAll(extra);
        assertEquals(0, run(a));
        List<String> b = tinyArgs(method, resumed);
        b.addAll(extra);
        assertEquals(0, run(b));
        for (String step : List.of("step-0000004", "step-0000006"))
            deleteTree(resumed.resolve("checkpoints").resolve(step));
        Files.writeString(resumed.resolve("checkpoints/latest"), "step-0000002\n");
        Files.delete(resumed.resolve("model.safetensors"));
        assertNotEquals(0, run(b), "a second run into the same folder without --resume must be refused");
        List<String> resume = new ArrayList<>(b);
        resume.add("--resume");
        assertEquals(0, run(resume));
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(resumed.resolve("model.safetensors")),
                "model.safetensors after resume differs from the straight run's");
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("merges.txt.gz")),
                Files.readAllBytes(resumed.resolve("merges.txt.gz")));
    }

    @Test
    void trainsResumesExactlyAndEvaluates(@TempDir Path tmp) throws IOException {
        assertResumeExact("clip", tmp, List.of());
        Path run = tmp.resolve("runs/straight");
        for (String f : List.of(
                "config.json", "metrics.jsonl", "report.md", "model.safetensors", "merges.txt.gz", "plots/loss.png")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing");
        }
        JsonNode settings = JSON.readTree(run.resolve("config.json").toFile()).path("settings");
        assertEquals("clip", settings.path("method").asText());
        assertEquals("0.98", settings.path("beta2").asText());
        assertEquals(1.0, settings.path("warmup_epochs").asDouble(), "1 warm-up epoch by default");

        var state = SafeTensors.read(run.resolve("model.safetensors"));
        for (String k : List.of(
                "visual.conv1.weight",
                "visual.class_embedding",
                "visual.transformer.resblocks.0.attn.in_proj_weight",
                "visual.proj",
                "token_embedding.weight",
                "positional_embedding",
                "transformer.resblocks.0.mlp.c_fc.weight",
                "ln_final.weight",
                "text_projection",
                "logit_scale")) {
            assertTrue(state.containsKey(k), k + " missing from the open_clip-named weights");
        }
        ClipModel model = ClipWeights.read(run.resolve("model.safetensors"), null, null);
        assertEquals(16, model.config().vision().imageSize());
        assertEquals(2, model.config().text().heads());

        List<JsonNode> evals = lines(run.resolve("metrics.jsonl")).stream()
                .filter(r -> r.get("type").asText().equals("eval"))
                .toList();
        assertEquals(
                List.of(4L, 6L), evals.stream().map(r -> r.get("step").asLong()).toList());
        double lastTop1 = evals.getLast().get("zeroshot_top1").asDouble();
        assertTrue(lastTop1 >= 0 && lastTop1 <= 1);

        Path zs = tmp.resolve("zs"), ret = tmp.resolve("ret");
        List<String> data =
                List.of("--data", "shapes", "--shapes-train", "64", "--shapes-test", "24", "--shapes-size", "16");
        List<String> zsArgs = zeroshotArgs(
                run.resolve("model.safetensors"),
                run.resolve("merges.txt.gz"),
                "--linear",
                "--batch",
                "32",
                "--out",
                zs.toString());
        zsArgs.addAll(data);
        assertEquals(0, run(zsArgs));
        JsonNode z = JSON.readTree(zs.resolve("zeroshot.json").toFile());
        assertEquals(
                lastTop1,
                z.get("top1").asDouble(),
                1e-12,
                "eval zeroshot must measure what the run's last evaluation measured");
        assertEquals(24, z.get("count").asInt());
        assertTrue(z.get("top5").asDouble() >= z.get("top1").asDouble());
        double linear = z.get("linear_top1").asDouble();
        assertEquals(0, Math.round(linear * 24) - linear * 24, 1e-9, "linear top-1 is a count of 24 test images");

        List<String> retArgs = new ArrayList<>(List.of(
                "eval",
                "retrieval",
                "--weights",
                run.resolve("model.safetensors").toString(),
                "--merges",
                run.resolve("merges.txt.gz").toString(),
                "--batch",
                "32",
                "--out",
                ret.toString()));
        retArgs.addAll(data);
        assertEquals(0, run(retArgs));
        JsonNode r = JSON.readTree(ret.resolve("retrieval.json").toFile());
        assertEquals(24, r.get("images").asInt());
        assertEquals(24, r.get("texts").asInt());
        assertTrue(r.get("image_to_text_r1").asDouble()
                        <= r.get("image_to_text_r5").asDouble()
                && r.get("image_to_text_r5").asDouble()
                        <= r.get("image_to_text_r10").asDouble());

        List<String> wrongMerges = new ArrayList<>(zsArgs);
        wrongMerges.set(
                wrongMerges.indexOf("--merges") + 1,
                tmp.resolve("missing.txt.gz").toString());
        assertNotEquals(0, run(wrongMerges), "a missing merges file must be refused");
    }

    @Test
    void refusesDataWithoutCaptions(@TempDir Path tmp) throws IOException {
        Path fmnist = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 16, 8);
        List<String> a = tinyArgs("clip", tmp.resolve("run"));
        int i = a.indexOf("shapes");
        a.set(i, "fashion-mnist");
        a.addAll(List.of("--data-dir", fmnist.toString()));
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(a.toArray(String[]::new));
        assertNotEquals(0, code);
        assertTrue(err.toString().contains("needs captions"), err.toString());
    }

    static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank()) out.add(JSON.readTree(l));
        return out;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
