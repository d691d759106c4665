package dev.loupe.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.eval.knn.KnnResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportsTest {
    @TempDir
    Path dir;

    @Test
    void knnAndLinearOfOneMethodBecomeOneRow() throws IOException {
        Path knn = Files.createDirectories(dir.resolve("knn")), linear = Files.createDirectories(dir.resolve("linear"));
        EvalReport.of("vicreg", "fashion-mnist", "mean")
                .withKnn(List.of(new KnnResult(10, 84.5, 99.0, new int[0])))
                .writeJson(knn.resolve("knn.json"));
        EvalReport.of("vicreg", "fashion-mnist", "mean").withLinear(86.25).writeJson(linear.resolve("linear.json"));
        Path pixels = Files.createDirectories(dir.resolve("pixels"));
        EvalReport.of("raw pixels", "fashion-mnist", "pixels")
                .withLinear(83.27)
                .writeJson(pixels.resolve("linear.json"));

        List<EvalReport> rows = EvalReports.collect(List.of(knn, linear, pixels.resolve("linear.json")));

        assertEquals(2, rows.size());
        assertEquals("vicreg", rows.get(0).method());
        assertEquals(Map.of(10, 84.5), rows.get(0).knnTop1());
        assertEquals(86.25, rows.get(0).linearTop1());
        assertEquals(83.27, rows.get(1).linearTop1());
    }

    @Test
    void differentFeaturesStaySeparateRowsAndTheLaterNumberWins() throws IOException {
        Path a = dir.resolve("a.json"), b = dir.resolve("b.json"), c = dir.resolve("c.json");
        EvalReport.of("dino", "fashion-mnist", "cls").withLinear(80).writeJson(a);
        EvalReport.of("dino", "fashion-mnist", "cls+mean").withLinear(82).writeJson(b);
        EvalReport.of("dino", "fashion-mnist", "cls").withLinear(81).writeJson(c);

        List<EvalReport> rows = EvalReports.collect(List.of(a, b, c));

        assertEquals(2, rows.size());
        assertEquals(81.0, rows.get(0).linearTop1());
        assertEquals(82.0, rows.get(1).linearTop1());
    }

    @Test
    void badInputsNameThePath() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> EvalReports.collect(List.of(empty)));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("knn.json"), e.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.json"), "{\"x\": 1}");
        e = assertThrows(IOException.class, () -> EvalReports.collect(List.of(junk)));
        assertTrue(e.getMessage().startsWith(junk.toString()), e.getMessage());
        Path missing = dir.resolve("missing");
        e = assertThrows(IOException.class, () -> EvalReports.collect(List.of(missing)));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
