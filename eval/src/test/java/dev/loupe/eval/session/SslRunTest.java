package dev.loupe.eval.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.data.DataSources;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.ssl.simclr.SimClrObjective;
import dev.loupe.tensor.Rng;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SslRunTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void twoStepsWriteConfigWeightsAndReport() throws Exception {
        LabelledData data = DataSources.shapes(16, 64, 32, 3);
        ViTConfig vit = ViTConfig.of(16, 4, data.channels(), 16, 1, 2, 0);
        SimClrObjective objective = new SimClrObjective(vit, 32, 16, 0.5, new Rng(0));
        TrainerConfig tc = TrainerConfig.builder().maxSteps(2).lr(1e-3).seed(0).build();
        Map<String, Object> methodSettings = new LinkedHashMap<>();
        methodSettings.put("temperature", 0.5);
        SslPlan plan = new SslPlan(
                "simclr",
                "SimCLR",
                vit,
                objective,
                Recipes.simclr(RecipeConfig.of(16, data.mean(), data.std())),
                tc,
                16,
                methodSettings,
                () -> objective.module().visual.stateDict());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path folder = tmp.resolve("run");
        SslRun.Result r = SslRun.of(
                        plan,
                        data,
                        RunSetup.in(folder)
                                .withRuntime(Map.of("threads", 1))
                                .withLog(new PrintStream(log, true, StandardCharsets.UTF_8)))
                .withTrainLimit(48)
                .withKnn(new KnnMonitor.Settings(32, 16, 5, 16))
                .run();

        assertEquals(2, r.outcome().steps());
        assertNotNull(r.knnTop1(), "the run evaluates at its end");
        assertEquals(folder.resolve("model.safetensors"), r.weights());
        assertEquals(folder.resolve("report.md"), r.report());
        assertTrue(log.toString(StandardCharsets.UTF_8).startsWith("simclr: shapes, ViT dim 16 depth 1 heads 2"));

        Map<String, Object> config =
                new ObjectMapper().readValue(folder.resolve("config.json").toFile(), Map.class);
        List<String> settings = List.copyOf(((Map<String, Object>) config.get("settings")).keySet());
        assertEquals(List.of("method", "data", "train_limit", "model", "image_size"), settings.subList(0, 5));
        assertTrue(settings.indexOf("temperature") > settings.indexOf("dim"), "method settings after the backbone");
        assertTrue(settings.indexOf("batch") > settings.indexOf("temperature"), "batch and trainer after the method");
        Map<String, Object> s = (Map<String, Object>) config.get("settings");
        assertEquals("simclr", s.get("method"));
        assertEquals(48, s.get("train_limit"));
        assertEquals("custom", s.get("model"));
        assertEquals(16, s.get("batch"));
        assertEquals(
                List.of("threads", "knn_train", "knn_test", "knn_k", "eval_batch"),
                List.copyOf(((Map<String, Object>) config.get("runtime")).keySet()));

        VisionTransformer back = VitWeights.read(r.weights());
        assertEquals(16, back.config().dim());
        assertEquals(1, back.config().depth());
        String report = Files.readString(r.report());
        assertTrue(report.contains("SimCLR: shapes"), report);
        assertTrue(report.contains("model.safetensors holds the image tower's backbone"), report);
        assertTrue(report.contains("weighted 5-NN"), report);
    }
}
