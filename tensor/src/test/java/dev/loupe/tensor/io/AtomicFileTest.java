package dev.loupe.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replacement, and what a full disk or another failed write leaves behind. */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileWithTheNewBytes() throws IOException {
        Path f = dir.resolve("a.txt");
        AtomicFile.write(f, "old".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(f, "new content".getBytes(StandardCharsets.UTF_8));
        assertEquals("new content", Files.readString(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void streamContentIsFlushedBeforeTheRename() throws IOException {
        Path f = dir.resolve("s.bin");
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        AtomicFile.writeStream(f, out -> {
            for (byte b : big) out.write(b);
        });
        assertArrayEquals(big, Files.readAllBytes(f));
    }

    @Test
    void fullDiskMidwayGivesOneLineLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, Tensor> old = Map.of("w", Tensor.of(new float[] {1, 2, 3}, 3));
        SafeTensors.write(f, old);
        byte[] before = Files.readAllBytes(f);

        Map<String, Tensor> bigger = new LinkedHashMap<>();
        bigger.put("w", Tensor.zeros(1000));
        bigger.put("v", Tensor.ones(3000));
        FileWriteException e = assertThrows(
                FileWriteException.class,
                () -> AtomicFile.write(f, ch -> SafeTensors.write(new FullDiskChannel(ch, 5000), bigger, Map.of())));
        assertEquals("No space left on device while writing " + f, e.getMessage());
        assertEquals(f, e.file());
        assertEquals("No space left on device", e.reason());
        assertArrayEquals(before, Files.readAllBytes(f), "the previous file is untouched");
        assertEquals(List.of(f), files(), "the temporary file is removed");
        assertEquals(3, SafeTensors.read(f).get("w").numel());
    }

    @Test
    void fullDiskDuringANpyWriteIsReportedTheSameWay() throws IOException {
        Path f = dir.resolve("features.npy");
        IOException e = assertThrows(
                FileWriteException.class,
                () -> AtomicFile.write(f, ch -> {
                    FullDiskChannel full = new FullDiskChannel(ch, 100);
                    AtomicFile.writeFully(full, java.nio.ByteBuffer.wrap(Npy.preamble("<f4", new int[] {10, 10})));
                    AtomicFile.writeFully(full, java.nio.ByteBuffer.allocate(400));
                }));
        assertEquals("No space left on device while writing " + f, e.getMessage());
        assertEquals(List.of(), files());
    }

    @Test
    void aMissingFolderNamesTheTargetFileNotTheTemporaryOne() {
        Path f = dir.resolve("no-such-folder").resolve("x.npy");
        FileWriteException e = assertThrows(FileWriteException.class, () -> Npy.write(f, Tensor.zeros(2)));
        assertEquals("No such file or directory while writing " + f, e.getMessage());
    }

    @Test
    void aFailedRenameRemovesTheTemporaryFile() throws IOException {
        Path f = dir.resolve("target");
        Files.createDirectories(f.resolve("occupied"));
        FileWriteException e = assertThrows(FileWriteException.class, () -> AtomicFile.write(f, new byte[] {1, 2}));
        assertTrue(e.getMessage().endsWith(" while writing " + f), e.getMessage());
        assertFalse(e.getMessage().contains(".tmp-"), e.getMessage());
        assertEquals(List.of(f), files());
    }

    @Test
    void contentErrorsOtherThanIoPassThroughAndStillRemoveTheTemporaryFile() throws IOException {
        Path f = dir.resolve("t.bin");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> AtomicFile.write(f, ch -> {
                    AtomicFile.writeFully(ch, java.nio.ByteBuffer.allocate(10));
                    throw new IllegalStateException("bad tensor");
                }));
        assertEquals("bad tensor", e.getMessage());
        assertEquals(List.of(), files());
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
