package dev.loupe.data.idx;

import static dev.loupe.data.idx.IdxTestFiles.gzip;
import static dev.loupe.data.idx.IdxTestFiles.idx;
import static dev.loupe.data.idx.IdxTestFiles.images;
import static dev.loupe.data.idx.IdxTestFiles.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void loadsGzipTrainSplit() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(5)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(5)));
        FashionMnist ds = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        assertEquals("fashion-mnist/train", ds.name());
        assertEquals(5, ds.size());
        assertEquals(10, ds.numClasses());
        assertEquals("T-shirt/top", ds.classNames().getFirst());
        assertEquals("Ankle boot", ds.classNames().get(9));

        Sample s = ds.get(3);
        assertEquals("fashion-mnist/train[3]", s.key());
        assertEquals(9, s.label());
        assertEquals(9, ds.label(3));
        assertNull(s.caption());
        Image img = s.image();
        assertEquals(1, img.channels());
        assertEquals(28, img.height());
        assertEquals(28, img.width());
        // pixel p of image i is (i * 31 + p) mod 256; row 2, column 5 is p = 61
        assertEquals(((3 * 31 + 61) % 256) / 255f, img.get(0, 2, 5));
        assertEquals((3 * 31 % 256) / 255f, img.get(0, 0, 0));
    }

    @Test
    void loadsRawTestSplit() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(4));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(4));
        FashionMnist ds = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals("fashion-mnist/test", ds.name());
        assertEquals(4, ds.size());
        assertEquals("fashion-mnist/test[1]", ds.get(1).key());
        assertEquals(3, ds.get(1).label());
        assertEquals(((31 + 100) % 256) / 255f, ds.get(1).image().pixels()[100]);
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(4));
    }

    @Test
    void missingFileSaysWhichAndHowToInstall() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(5)));
        var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "Fashion-MNIST file train-labels-idx1-ubyte.gz (or train-labels-idx1-ubyte) is missing from "),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("install it with: apt-get install dataset-fashion-mnist (or pass --data-dir DIR)"),
                e.getMessage());
    }

    @Test
    void missingDirectorySaysHowToInstall() {
        Path absent = dir.resolve("nowhere");
        var e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(absent, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("nowhere does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains(FashionMnist.INSTALL_HINT), e.getMessage());
    }

    @Test
    void countMismatchIsRejected() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(5));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(4));
        var e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN));
        assertEquals(
                "train-labels-idx1-ubyte: expected 5 labels (one per image in train-images-idx3-ubyte), found 4",
                e.getMessage());
    }

    @Test
    void labelOutOfRangeIsRejected() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(2));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(new int[] {2}, new byte[] {4, 12}));
        var e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN));
        assertEquals("train-labels-idx1-ubyte: label 12 at index 1 is outside 0..9", e.getMessage());
    }

    @Test
    void wrongImageSizeIsRejected() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), idx(new int[] {2, 4, 4}, new byte[32]));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(2));
        var e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN));
        assertEquals("train-images-idx3-ubyte: expected 28x28 images, header says 4x4", e.getMessage());
    }

    @Test
    void rawFileIsPreferredOverGzip() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(2));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(2)));
        FashionMnist ds = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        assertEquals(2, ds.size());
        assertFalse(ds.get(1).image().equals(ds.get(0).image()));
    }
}
