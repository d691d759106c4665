package dev.loupe.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.eval.knn.KnnResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {
    @TempDir
    Path dir;

    private static EvalReport filled() {
        return EvalReport.of("dino vit-tiny", "fashion-mnist", "cls")
                .withKnn(List.of(
                        new KnnResult(10, 81.25, 97.5, new int[0]), new KnnResult(20, 82.0, Double.NaN, new int[0])))
                .withLinear(85.125);
    }

    @Test
    void jsonRoundTrip() throws IOException {
        EvalReport r = filled();
        Path file = dir.resolve("report.json");
        r.writeJson(file);
        EvalReport back = EvalReport.fromJson(Files.readString(file));
        assertEquals(r, back);
        assertEquals(Map.of(10, 97.5), back.knnTop5(), "NaN top-5 is left out");
        assertFalse(r.toJson().contains("logisticTop1"), "missing numbers are omitted");
    }

    @Test
    void markdownTableHasOneRowPerReport() {
        String table = EvalReport.markdownTable(
                List.of(filled(), EvalReport.of("pixels", "fashion-mnist", null).withLogistic(84.0)));
        String[] lines = table.split("\n");
        assertEquals(4, lines.length);
        assertEquals(
                "| method | data set | features | kNN k=10 | kNN k=20 | kNN k=100 | kNN k=200 | linear | logistic |",
                lines[0]);
        assertEquals("| dino vit-tiny | fashion-mnist | cls | 81.25 | 82.00 | - | - | 85.13 | - |", lines[2]);
        assertEquals("| pixels | fashion-mnist | - | - | - | - | - | - | 84.00 |", lines[3]);
    }

    @Test
    void confusionMatrixCountsAndPlot() throws IOException {
        int[] labels = {0, 0, 1, 1, 2, 2, 2}, predictions = {0, 1, 1, 1, 2, 0, 2};
        ConfusionMatrix m = ConfusionMatrix.of(labels, predictions, List.of("T-shirt/top", "Trouser", "Pullover"), 3);
        assertEquals(1, m.counts()[0][1]);
        assertEquals(2, m.counts()[1][1]);
        assertEquals(5.0 / 7, m.accuracy(), 1e-12);
        Path png = dir.resolve("plots/confusion.png");
        ConfusionMatrixPlot.write(m, "kNN k=20", png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 3 * 44 && img.getHeight() > 3 * 44, img.getWidth() + "x" + img.getHeight());
        assertNotEquals(img.getRGB(0, 0), darkestCell(img), "cells are shaded");
        assertThrows(
                IllegalArgumentException.class, () -> ConfusionMatrix.of(new int[] {3}, new int[] {0}, List.of(), 3));
        assertEquals(
                List.of("0", "1"),
                ConfusionMatrix.of(new int[] {0}, new int[] {1}, List.of(), 2).classNames());
    }

    private static int darkestCell(BufferedImage img) {
        int darkest = 0xFFFFFF, best = 3 * 255;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF, sum = (rgb >> 16) + ((rgb >> 8) & 255) + (rgb & 255);
                if (sum < best) {
                    best = sum;
                    darkest = img.getRGB(x, y);
                }
            }
        }
        return darkest;
    }
}
