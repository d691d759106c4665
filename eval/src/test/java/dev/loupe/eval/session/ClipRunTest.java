package dev.loupe.eval.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipObjective;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.ClipWeights;
import dev.loupe.clip.tokenizer.BpeTrainer;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.DataSources;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.tensor.Rng;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipRunTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void twoStepsWriteConfigWeightsAndReport() throws Exception {
        LabelledData data = DataSources.shapes(16, 32, 16, 7);
        Tokenizer tokenizer = new Tokenizer(new BpeTrainer()
                .addAll(List.of("a red square", "a green circle", "a blue triangle", "two small shapes"))
                .train(BpeTrainer.BASE_VOCAB + 10));
        ClipModel model = new ClipModel(
                new ClipConfig(
                        new ClipVisionConfig(16, 4, 16, 1, 2, 8),
                        new TextConfig(tokenizer.vocabSize(), 32, 16, 1, 2, 8)),
                new Rng(0));
        TrainerConfig tc = TrainerConfig.builder().maxSteps(2).lr(1e-3).seed(0).build();
        ClipPlan plan = new ClipPlan(
                "clip",
                model,
                tokenizer,
                new ClipObjective(model, tokenizer),
                Recipes.clip(RecipeConfig.of(16, data.mean(), data.std())),
                tc,
                8);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path folder = tmp.resolve("run");
        ClipRun.Result r = ClipRun.of(
                        plan,
                        data,
                        RunSetup.in(folder)
                                .withRuntime(Map.of("threads", 1))
                                .withLog(new PrintStream(log, true, StandardCharsets.UTF_8)))
                .withEvalBatch(8)
                .run();

        assertEquals(2, r.outcome().steps());
        assertNotNull(r.lastEvaluation(), "the run evaluates at its end");
        assertTrue(log.toString(StandardCharsets.UTF_8).startsWith("clip: " + data.name() + ", "));

        Map<String, Object> config =
                new ObjectMapper().readValue(folder.resolve("config.json").toFile(), Map.class);
        Map<String, Object> s = (Map<String, Object>) config.get("settings");
        assertEquals(
                List.of("method", "data", "vocab", "batch"),
                List.copyOf(s.keySet()).subList(0, 4));
        assertEquals(8, s.get("batch"));
        assertEquals(
                List.of("threads", "eval_batch"), List.copyOf(((Map<String, Object>) config.get("runtime")).keySet()));

        ClipModel back = ClipWeights.read(r.weights(), 2, 2);
        assertEquals(model.config(), back.config());
        String report = Files.readString(r.report());
        assertTrue(report.contains("CLIP training: " + data.name()), report);
        assertTrue(report.contains("Last evaluation (test split)"), report);
    }
}
