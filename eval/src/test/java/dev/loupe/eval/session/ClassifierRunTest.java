package dev.loupe.eval.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.data.DataSources;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.supervised.ClassificationObjective;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
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

class ClassifierRunTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void twoStepsWriteConfigWeightsConfusionAndReport() throws Exception {
        LabelledData data = DataSources.shapes(16, 48, 24, 5);
        ViTConfig vit = ViTConfig.of(16, 4, data.channels(), 16, 1, 2, data.numClasses());
        VisionTransformer model = new VisionTransformer(vit, new Rng(0));
        RecipeConfig recipe = RecipeConfig.of(16, data.mean(), data.std());
        Loader train = new Loader(
                data.train(),
                Recipes.eval(recipe.withEvalCropRatio(1.0)),
                LoaderOptions.builder(16).shuffle(true).dropLast(true).seed(0).build());
        Loader test = new Loader(data.test(), Recipes.eval(recipe.withEvalCropRatio(1.0)), LoaderOptions.defaults(12));
        TrainerConfig tc = TrainerConfig.builder().maxSteps(2).lr(1e-3).seed(0).build();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path folder = tmp.resolve("run");
        ClassifierRun.Result r = ClassifierRun.of(
                        new ClassificationObjective(model, 0.1),
                        train,
                        test,
                        tc,
                        data,
                        RunSetup.in(folder).withLog(new PrintStream(log, true, StandardCharsets.UTF_8)))
                .withPlotTitle("shapes accuracy")
                .run();

        assertEquals(2, r.outcome().steps());
        assertNotNull(r.lastTest(), "the run evaluates at its end");
        assertEquals(24, r.lastTest().total());
        assertEquals(folder.resolve("model.safetensors"), r.weights());
        assertEquals(folder.resolve("plots").resolve("confusion.png"), r.confusionPlot());
        assertTrue(Files.size(r.confusionPlot()) > 0);

        Map<String, Object> config =
                new ObjectMapper().readValue(folder.resolve("config.json").toFile(), Map.class);
        Map<String, Object> s = (Map<String, Object>) config.get("settings");
        assertEquals(
                List.of("method", "data", "image_size"), List.copyOf(s.keySet()).subList(0, 3));
        assertEquals("supervised", s.get("method"));
        assertEquals(16, s.get("batch"));

        VisionTransformer back = VitWeights.read(r.weights());
        assertEquals(data.numClasses(), back.config().numClasses());
        String report = Files.readString(r.report());
        assertTrue(report.contains("Supervised training: " + data.name()), report);
        assertTrue(report.contains("![confusion](plots/confusion.png)"), report);
    }
}
