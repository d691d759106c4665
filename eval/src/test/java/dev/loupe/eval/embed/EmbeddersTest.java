package dev.loupe.eval.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.ClipWeights;
import dev.loupe.clip.tokenizer.BpeMerge;
import dev.loupe.clip.tokenizer.BpeTrainer;
import dev.loupe.clip.tokenizer.MergesFile;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.DataSources;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding API against the model run by hand on pixels normalised by hand. */
class EmbeddersTest {
    @TempDir
    Path tmp;

    /** Grey 16x16 PNGs (the model's side, so resize and crop change nothing), pixel (i * 7 + y * 3 + x * 5) % 256. */
    private List<Path> greyImages(int n) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("grey"));
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++) img.getRaster().setSample(x, y, 0, (i * 7 + y * 3 + x * 5) % 256);
            ImageIO.write(
                    img, "png", dir.resolve(String.format("img-%03d.png", i)).toFile());
        }
        return ImageFiles.in(dir);
    }

    @Test
    void vitEmbeddingsOfAFolderMatchTheModelOnHandNormalisedPixelsAcrossBatches() throws Exception {
        // mean pooling and overlapping patches: both must come from the file's metadata
        ViTConfig c = ViTConfig.builder(16, 4, 1, 32, 1, 2)
                .patchKernel(8)
                .meanPool(true)
                .build();
        VisionTransformer vit = new VisionTransformer(c, new Rng(3));
        Path weights = tmp.resolve("vit.safetensors");
        VitWeights.write(weights, vit, new float[] {0.25f}, new float[] {0.5f});
        List<Path> files = greyImages(70); // two batches: 64 + 6

        ImageEmbedder embedder = ImageEmbedder.load(weights);
        assertArrayEquals(new float[] {0.25f}, embedder.preprocessing().mean());
        assertArrayEquals(new float[] {0.5f}, embedder.preprocessing().std());
        float[][] got = embedder.embedFiles(files);

        float[] pixels = new float[70 * 256];
        for (int i = 0; i < 70; i++) {
            for (int p = 0; p < 256; p++)
                pixels[i * 256 + p] = ((i * 7 + (p / 16) * 3 + (p % 16) * 5) % 256 / 255f - 0.25f) / 0.5f;
        }
        vit.train(false);
        float[] want;
        try (var scope = GradMode.disable()) {
            want = vit.forwardFeatures(Var.of(Tensor.of(pixels, 70, 1, 16, 16)))
                    .data()
                    .contiguous()
                    .toFloatArray();
        }
        assertEquals(70, got.length);
        for (int i = 0; i < 70; i++) {
            assertEquals(32, got[i].length);
            for (int d = 0; d < 32; d++) assertEquals(want[i * 32 + d], got[i][d], 1e-4f, "image " + i + " dim " + d);
        }
        assertTrue(embedder.model().isTraining(), "the embedder restores the mode it found (training, as read)");
    }

    @Test
    void preprocessingDefaultsToImagenetForRgbAndRefusesGreyWithoutStatistics() {
        Preprocessing rgb = ImageEmbedder.preprocessing("a.safetensors", Map.of(), 32, 3);
        assertArrayEquals(Preprocessing.IMAGENET_MEAN, rgb.mean());
        var e = assertThrows(
                IllegalArgumentException.class, () -> ImageEmbedder.preprocessing("grey.safetensors", Map.of(), 28, 1));
        assertTrue(
                e.getMessage().contains("grey.safetensors") && e.getMessage().contains(VitWeights.IMAGE_MEAN),
                e.getMessage());
        var bad = assertThrows(
                IllegalArgumentException.class,
                () -> ImageEmbedder.preprocessing(
                        "b.safetensors", Map.of(VitWeights.IMAGE_MEAN, "0.5,x", VitWeights.IMAGE_STD, "1,1"), 28, 2));
        assertTrue(
                bad.getMessage().contains("b.safetensors") && bad.getMessage().contains("0.5,x"), bad.getMessage());
    }

    @Test
    void aFileWithoutNormalisationForTheModelsChannelsIsRefused() throws Exception {
        VisionTransformer vit =
                new VisionTransformer(ViTConfig.builder(16, 4, 1, 32, 1, 2).build(), new Rng(1));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> VitWeights.write(
                        tmp.resolve("x.safetensors"), vit, new float[] {0.1f, 0.2f, 0.3f}, new float[] {1, 1, 1}));
        assertTrue(e.getMessage().contains("(1)"), e.getMessage());
        SafeTensors.write(tmp.resolve("plain.safetensors"), vit.stateDict(), Map.of());
        assertThrows(IllegalArgumentException.class, () -> ImageEmbedder.load(tmp.resolve("plain.safetensors")));
    }

    @Test
    void clipZeroShotFromLabelStringsMatchesCosinesComputedByHand() throws Exception {
        List<String> labels = List.of("red square", "green circle", "blue stripe");
        List<BpeMerge> merges = new BpeTrainer()
                .addAll(List.of("a photo of a red square.", "a photo of a green circle.", "a photo of a blue stripe."))
                .train(BpeTrainer.BASE_VOCAB + 12);
        Tokenizer tokenizer = new Tokenizer(merges);
        ClipModel model = new ClipModel(
                new ClipConfig(
                        new ClipVisionConfig(8, 4, 16, 1, 2, 8),
                        new TextConfig(tokenizer.vocabSize(), 16, 16, 1, 2, 8)),
                new Rng(5));
        Path weights = tmp.resolve("clip.safetensors"), mergesFile = tmp.resolve("merges.txt");
        ClipWeights.write(weights, model);
        MergesFile.write(mergesFile, merges);
        Path dir = Files.createDirectories(tmp.resolve("rgb"));
        float[] pixels = new float[4 * 3 * 64];
        for (int i = 0; i < 4; i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int[] rgb = {(i * 60 + x * 20) % 256, (y * 30) % 256, (i * 40 + x * y * 3) % 256};
                    img.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
                    for (int ch = 0; ch < 3; ch++) {
                        pixels[((i * 3 + ch) * 8 + y) * 8 + x] =
                                (rgb[ch] / 255f - DataSources.CLIP_MEAN[ch]) / DataSources.CLIP_STD[ch];
                    }
                }
            }
            ImageIO.write(img, "png", dir.resolve("im" + i + ".png").toFile());
        }

        ClipEmbedder clip = ClipEmbedder.load(weights, mergesFile);
        List<Path> files = ImageFiles.in(dir);
        float[][] scores = ImageEmbedder.rows(clip.scores(files, labels));
        List<String> best = clip.classify(files, labels);

        model.train(false);
        float[][] image, text;
        try (var scope = GradMode.disable()) {
            image = ImageEmbedder.rows(
                    model.encodeImage(Tensor.of(pixels, 4, 3, 8, 8)).data());
            List<String> prompts = new ArrayList<>();
            for (String l : labels) prompts.add("a photo of a " + l + ".");
            text = ImageEmbedder.rows(
                    model.encodeText(tokenizer.tokenize(prompts, 16)).data());
        }
        for (int i = 0; i < 4; i++) {
            int arg = 0;
            for (int k = 0; k < 3; k++) {
                double cos = dot(image[i], text[k]) / Math.sqrt(dot(image[i], image[i]) * dot(text[k], text[k]));
                assertEquals(cos, scores[i][k], 1e-4, "image " + i + " label " + k);
                if (scores[i][k] > scores[i][arg]) arg = k;
            }
            assertEquals(labels.get(arg), best.get(i));
        }
        assertArrayEquals(image[2], clip.embedFiles(List.of(files.get(2)))[0], 1e-4f);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
