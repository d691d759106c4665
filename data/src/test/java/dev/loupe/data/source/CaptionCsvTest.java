package dev.loupe.data.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionCsvTest {
    @TempDir
    Path dir;

    @Test
    void csvWithQuotedCommasQuotesAndLineBreaks() throws IOException {
        TestImages.write(dir.resolve("img/a.png"), 11);
        TestImages.write(dir.resolve("img/b.png"), 22);
        TestImages.write(dir.resolve("img/c.png"), 33);
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(
                csv,
                "\uFEFFid,filepath,title\r\n"
                        + "1,img/a.png,\"a dog, a cat\"\r\n"
                        + "2,img/b.png,\"she said \"\"hi\"\"\"\r\n"
                        + "\r\n"
                        + "3,\"img/c.png\",\"two\nlines\"\n");
        CaptionCsv data = CaptionCsv.open(csv);
        assertEquals(3, data.size());
        assertEquals(List.of("a dog, a cat", "she said \"hi\"", "two\nlines"), data.captions());
        Sample a = data.get(0);
        assertEquals("a dog, a cat", a.caption());
        assertEquals(11, TestImages.idOf(a.image()));
        assertFalse(a.hasLabel());
        assertEquals(33, TestImages.idOf(data.get(2).image()));
        assertEquals(dir.resolve("img/c.png"), data.imagePath(2));
    }

    @Test
    void quoteInsideAnUnquotedFieldIsTextAndLinesCountFromEachRecordsStart() throws IOException {
        Path csv = dir.resolve("q.csv");
        Files.writeString(csv, "filepath,title\nx.png,\"two\nlines\"\ny.png,6\" tall\nz.png,\n");
        CaptionCsv data = CaptionCsv.open(csv);
        assertEquals(3, data.size());
        assertEquals("6\" tall", data.caption(1)); // as pandas reads it
        // the record after a two-line field starts on line 4, the next on line 5
        assertEquals(
                csv + ":5",
                assertThrows(BadSampleException.class, () -> data.caption(2)).source());
    }

    @Test
    void tsvUsesTabsByDefaultAndCustomColumns() throws IOException {
        TestImages.write(dir.resolve("x.png"), 5);
        Path tsv = dir.resolve("pairs.tsv");
        Files.writeString(tsv, "image\tcaption\n" + dir.resolve("x.png") + "\ta, b and c\n");
        CaptionCsv data = CaptionCsv.open(tsv, null, "image", "caption");
        assertEquals("a, b and c", data.get(0).caption());
        assertEquals(5, TestImages.idOf(data.get(0).image()));

        Path semi = dir.resolve("pairs.txt");
        Files.writeString(semi, "filepath;title\nx.png;semicolons\n");
        assertEquals("semicolons", CaptionCsv.open(semi, ";", null, null).get(0).caption());
    }

    @Test
    void missingColumnListsTheColumnsFound() throws IOException {
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "path,caption\nx.png,hello\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptionCsv.open(csv));
        assertTrue(e.getMessage().contains("filepath"), e.getMessage());
        assertTrue(e.getMessage().contains("[path, caption]"), e.getMessage());
    }

    @Test
    void emptyCaptionIsABadSampleAtGet() throws IOException {
        TestImages.write(dir.resolve("x.png"), 5);
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "filepath,title\nx.png,fine\nx.png,\"  \"\nx.png,\n");
        CaptionCsv data = CaptionCsv.open(csv);
        assertEquals("fine", data.get(0).caption());
        BadSampleException blank = assertThrows(BadSampleException.class, () -> data.get(1));
        assertEquals(csv + ":3", blank.source());
        BadSampleException empty = assertThrows(BadSampleException.class, () -> data.get(2));
        assertEquals(csv + ":4", empty.source());
        // the caption alone (no image read) says the same
        assertEquals("fine", data.caption(0));
        assertEquals(
                csv + ":3",
                assertThrows(BadSampleException.class, () -> data.caption(1)).source());
    }

    @Test
    void missingImageIsABadSampleNamingTheFile() throws IOException {
        Path csv = dir.resolve("pairs.csv");
        Files.writeString(csv, "filepath,title\ngone.png,a caption\n");
        BadSampleException e = assertThrows(
                BadSampleException.class, () -> CaptionCsv.open(csv).get(0));
        assertEquals(dir.resolve("gone.png").toString(), e.source());
    }

    @Test
    void malformedFilesAreErrorsNamingTheLine() throws IOException {
        Path unclosed = dir.resolve("unclosed.csv");
        Files.writeString(unclosed, "filepath,title\nx.png,\"never closed\nmore\n");
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> CaptionCsv.open(unclosed));
        assertTrue(u.getMessage().contains("line 2"), u.getMessage());

        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "filepath,title\nx.png,ok\ny.png,a,b\n");
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> CaptionCsv.open(ragged));
        assertTrue(r.getMessage().contains("line 3 has 3 fields"), r.getMessage());

        Path junk = dir.resolve("junk.csv");
        Files.writeString(junk, "filepath,title\nx.png,\"quoted\"junk\n");
        assertThrows(IllegalArgumentException.class, () -> CaptionCsv.open(junk));
    }
}
