package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.LabelledData;
import dev.loupe.data.shapes.CaptionedShapes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link DataOptions}: shapes (sizes, classes, captions, per-channel normalisation measured on the
 * training images), caption lists with a held-out test fraction or a separate test list, image
 * folders, and the errors for missing files, unknown sources and missing labels or captions.
 */
class DataOptionsTest {
    private static DataOptions parse(String... args) {
        return CommandLine.populateCommand(new DataOptions(), args);
    }

    @Test
    void testLimitKeepsEvenlySpacedTestImagesAndRefusesNegatives() {
        LabelledData d = parse(
                        "--data",
                        "shapes",
                        "--shapes-train",
                        "20",
                        "--shapes-test",
                        "30",
                        "--shapes-size",
                        "16",
                        "--test-limit",
                        "7")
                .load();
        assertEquals(20, d.train().size());
        assertEquals(7, d.test().size());
        LabelledData all = parse(
                        "--data", "shapes", "--shapes-train", "20", "--shapes-test", "30", "--shapes-size", "16")
                .load();
        assertEquals(30, all.test().size());
        assertEquals(all.test().get(4 * 30 / 7).key(), d.test().get(4).key()); // index i of 7 is image i * 30 / 7
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> parse("--data", "shapes", "--test-limit", "-1")
                        .load());
        assertEquals("--test-limit must be >= 0, got -1", e.getMessage());
    }

    @Test
    void shapesSplitsClassesCaptionsAndStatistics() {
        LabelledData d = parse(
                        "--data",
                        "shapes",
                        "--shapes-train",
                        "40",
                        "--shapes-test",
                        "12",
                        "--shapes-size",
                        "16",
                        "--shapes-seed",
                        "3")
                .load();
        assertEquals(40, d.train().size());
        assertEquals(12, d.test().size());
        assertEquals(16, d.imageSize());
        assertEquals(3, d.channels());
        assertTrue(d.captioned() && d.labelled());
        assertEquals(
                new CaptionedShapes(
                                dev.loupe.data.shapes.ShapesConfig.of(1, 0), dev.loupe.data.shapes.ShapesSplit.TRAIN)
                        .classNames(),
                d.classNames());
        assertEquals("test", ((CaptionedShapes) d.test()).split().word());
        LabelledData binding = parse(
                        "--data",
                        "shapes",
                        "--shapes-train",
                        "40",
                        "--shapes-test",
                        "12",
                        "--shapes-size",
                        "16",
                        "--shapes-test-split",
                        "binding")
                .load();
        assertEquals("shapes/binding", binding.test().name());
        assertThrows(IllegalArgumentException.class, () -> parse("--data", "shapes", "--shapes-test-split", "train")
                .load());
        assertThrows(
                IllegalArgumentException.class, () -> parse("--data", "shapes", "--shapes-test-split", "validation")
                        .load());
        // per-channel statistics of all 40 training images (fewer than the 512 sampled), in float64
        for (int c = 0; c < 3; c++) {
            double sum = 0, sumSq = 0;
            long n = 0;
            for (int i = 0; i < 40; i++) {
                Image im = d.train().get(i).image();
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        double v = im.get(c, y, x);
                        sum += v;
                        sumSq += v * v;
                        n++;
                    }
                }
            }
            double mean = sum / n;
            assertEquals(mean, d.mean()[c], 1e-6 * Math.max(1, Math.abs(mean)));
            assertEquals(Math.sqrt(sumSq / n - mean * mean), d.std()[c], 1e-5);
        }
    }

    @Test
    void captionListWithHeldOutFraction(@TempDir Path tmp) throws IOException {
        Path csv = captionList(tmp, "train.csv", 20);
        LabelledData d = parse("--data", "csv:" + csv, "--test-fraction", "0.25", "--image-size", "8")
                .load();
        assertEquals(15, d.train().size());
        assertEquals(5, d.test().size());
        assertTrue(d.captioned());
        assertFalse(d.labelled());
        assertEquals(8, d.imageSize());
        assertArrayEquals(dev.loupe.data.DataSources.CLIP_MEAN, d.mean());
        Set<String> train = keys(d.train()), test = keys(d.test());
        assertTrue(java.util.Collections.disjoint(train, test), "train and test overlap: " + test);
        Set<String> all = new HashSet<>(train);
        all.addAll(test);
        assertEquals(20, all.size());
        assertEquals(
                keys(d.test()),
                keys(parse("--data", "csv:" + csv, "--test-fraction", "0.25")
                        .load()
                        .test()),
                "the held-out split is fixed");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> d.requireLabels("supervised training"));
        assertTrue(e.getMessage().contains("needs class labels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("--data", "csv:" + csv)
                .loadLabelled("linear probe"));

        Path testCsv = captionList(tmp, "test.csv", 6);
        LabelledData separate =
                parse("--data", "csv:" + csv, "--test-data", "csv:" + testCsv).load();
        assertEquals(20, separate.train().size());
        assertEquals(6, separate.test().size());
    }

    @Test
    void imageFolderHasLabelsButNoCaptions(@TempDir Path tmp) throws IOException {
        for (String cls : List.of("a", "b")) {
            Path dir = Files.createDirectories(tmp.resolve("folder").resolve(cls));
            for (int i = 0; i < 5; i++) png(dir.resolve(i + ".png"), i);
        }
        LabelledData d = parse("--data", "folder:" + tmp.resolve("folder"), "--test-fraction", "0.2")
                .load();
        assertEquals(List.of("a", "b"), d.classNames());
        assertEquals(8, d.train().size());
        assertEquals(2, d.test().size());
        assertFalse(d.captioned());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> d.requireCaptions("CLIP training"));
        assertTrue(e.getMessage().contains("needs captions"), e.getMessage());
    }

    @Test
    void clearErrors(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.csv");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> parse("--data", "csv:" + missing)
                        .load());
        assertTrue(
                e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> parse("--data", "wds:" + tmp.resolve("shard-{000..001}.tar"))
                        .load());
        assertTrue(e.getMessage().contains("shard-000.tar"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--data", "folder:" + tmp.resolve("none"))
                .load());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--data", "imagenet")
                .load());
        assertTrue(
                e.getMessage().contains("supported: fashion-mnist, shapes, csv:PATH, wds:PATTERN, folder:PATH"),
                e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> parse("--data", "csv:").load());
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    private static Set<String> keys(Dataset d) {
        Set<String> s = new HashSet<>();
        for (int i = 0; i < d.size(); i++) s.add(d.get(i).caption());
        return s;
    }

    private static Path captionList(Path dir, String name, int n) throws IOException {
        Path images = Files.createDirectories(dir.resolve("img-" + name));
        StringBuilder csv = new StringBuilder("filepath,title\n");
        for (int i = 0; i < n; i++) {
            png(images.resolve(i + ".png"), i);
            csv.append(images.getFileName())
                    .append('/')
                    .append(i)
                    .append(".png,caption ")
                    .append(name)
                    .append(' ')
                    .append(i)
                    .append('\n');
        }
        Path file = dir.resolve(name);
        Files.writeString(file, csv.toString());
        return file;
    }

    private static void png(Path file, int shade) throws IOException {
        BufferedImage im = new BufferedImage(6, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) for (int x = 0; x < 6; x++) im.setRGB(x, y, (shade * 10 + x * 20) << 16 | y * 30);
        ImageIO.write(im, "png", file.toFile());
    }
}
