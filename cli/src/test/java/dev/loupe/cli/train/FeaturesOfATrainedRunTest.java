package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.cli.Main;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Batch;
import dev.loupe.data.idx.FashionMnist;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderEpoch;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.run.Settings;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 17's acceptance: {@code loupe features} on the weights of an overlapping-patch
 * ({@code --patch-kernel 8}), mean-pooled supervised run, without {@code --heads}: its logits are those
 * of the model the run's config.json describes, and their predictions are {@code loupe eval accuracy}'s
 * confusion matrix cell for cell. Also: the README's library example's file is accepted by
 * {@code loupe eval accuracy}.
 */
class FeaturesOfATrainedRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int run(String... args) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute(args);
        if (code != 0) System.err.println(err);
        return code;
    }

    @Test
    void featuresLogitsOfAnOverlappingMeanPoolRunMatchItsEvaluation(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 64, 32);
        Path runDir = tmp.resolve("runs/overlap-mean");
        assertEquals(
                0,
                run(
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
                        "4",
                        "--patch-kernel",
                        "8",
                        "--pool",
                        "mean",
                        "--max-steps",
                        "4",
                        "--batch",
                        "16",
                        "--lr",
                        "3e-3",
                        "--warmup-steps",
                        "1",
                        "--checkpoint-every",
                        "4",
                        "--workers",
                        "1",
                        "--threads",
                        "1",
                        "--eval-batch",
                        "16",
                        "--out",
                        runDir.toString()));
        Path weights = runDir.resolve("model.safetensors");
        Path evalDir = tmp.resolve("eval");
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
                        "10",
                        "--workers",
                        "1",
                        "--out",
                        evalDir.toString()));

        // the test split exactly as eval accuracy sees it: resize, centre crop ratio 1, normalise
        RecipeConfig recipe = RecipeConfig.of(28, new float[] {FashionMnist.MEAN}, new float[] {FashionMnist.STD})
                .withEvalCropRatio(1.0);
        Loader loader = new Loader(
                FashionMnist.load(data, FashionMnist.Split.TEST),
                Recipes.eval(recipe),
                LoaderOptions.builder(32)
                        .shuffle(false)
                        .dropLast(false)
                        .workers(1)
                        .onBadSample(BadSamplePolicy.FAIL)
                        .build());
        Tensor images, labels;
        try (LoaderEpoch epoch = loader.epoch(0)) {
            Batch all = epoch.next(); // images (32, 1, 28, 28)
            images = all.images();
            labels = all.labels();
        }
        Path x = tmp.resolve("x.npy"), logitsFile = tmp.resolve("logits.npy");
        Npy.write(x, images);
        assertEquals(
                0,
                run(
                        "features",
                        "--weights",
                        weights.toString(),
                        "--images",
                        x.toString(),
                        "--out",
                        logitsFile.toString(),
                        "--output",
                        "logits",
                        "--batch",
                        "7"));
        float[] logits = Npy.read(logitsFile).toFloatArray(); // (32, 10)

        // the model config.json describes (read back by Jackson), not the weights reader's
        JsonNode s = JSON.readTree(runDir.resolve("config.json").toFile()).path("settings");
        assertEquals(8, s.path("patch_kernel").asInt());
        assertEquals("mean", s.path("pool").asText());
        ViTConfig described = Settings.read(runDir.resolve("config.json"), ViTConfig.class).toBuilder()
                .dropPath(0.0, false)
                .build();
        assertEquals(VitWeights.read(weights).config(), described);
        Map<String, Tensor> state = SafeTensors.read(weights);
        assertArrayEquals(logits, logitsOf(described, state, images), "features' logits are the run's model's");
        assertFalse(
                Arrays.equals(logits, logitsOf(described.withMeanPool(false), state, images)),
                "the pooling must matter to this check");

        // its predictions are eval accuracy's confusion matrix, cell for cell
        JsonNode acc = JSON.readTree(evalDir.resolve("accuracy.json").toFile());
        long[][] confusion = new long[10][10];
        long[] truth = labels.toLongArray();
        for (int i = 0; i < truth.length; i++) confusion[(int) truth[i]][argmax(logits, i * 10, 10)]++;
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++)
                assertEquals(acc.get("confusion").get(t).get(p).asLong(), confusion[t][p], "cell " + t + ", " + p);
        }
    }

    /** The README's library example writes a bare state dict (no metadata); loupe eval reads it with timm's head width. */
    @Test
    void theReadmeLibraryExamplesFileIsAcceptedByEval(@TempDir Path tmp) throws IOException {
        Path data = FakeFashionMnist.write(Files.createDirectories(tmp.resolve("fmnist")), 20, 20);
        Rng rng = new Rng(0);
        VisionTransformer vit = new VisionTransformer(ViTConfig.preset("tiny", 28, 4, 1, 10), rng);
        Path file = tmp.resolve("vit.safetensors");
        SafeTensors.write(file, vit.stateDict(), Map.of());
        assertEquals(
                0,
                run(
                        "eval",
                        "accuracy",
                        "--weights",
                        file.toString(),
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
        assertEquals(
                20,
                JSON.readTree(tmp.resolve("eval/accuracy.json").toFile())
                        .get("total")
                        .asInt());
    }

    private static float[] logitsOf(ViTConfig config, Map<String, Tensor> state, Tensor images) {
        VisionTransformer model = new VisionTransformer(config, new Rng(1));
        model.loadStateDict(state, true);
        model.train(false);
        try (var scope = GradMode.disable()) {
            return model.forward(Var.of(images)).data().toFloatArray(); // (B, 10)
        }
    }

    private static int argmax(float[] row, int offset, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (row[offset + j] > row[offset + best]) best = j;
        return best;
    }
}
