package dev.loupe.data.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar layer over commons-compress: plain shards listed with TarFile and read in order give the
 * same members, and every broken shard gives one line naming the shard, the byte offset and the claim
 * it breaks, the same for the .tar and the .tar.gz of the same bytes.
 */
class TarMembersTest {
    @TempDir
    Path dir;

    private static Map<String, Object> members() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("000000.txt", "a caption");
        m.put("000000.png", new byte[700]);
        m.put("d".repeat(120) + "/000001.txt", "under a long folder name");
        m.put("000002.cls", "7");
        return m;
    }

    @Test
    void randomAccessAndSequentialReadsAgreeOnEveryMember() throws IOException {
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            Path shard = TestTars.write(dir.resolve("s" + mode + ".tar"), members(), mode);
            List<TarMembers.Member> listed = TarMembers.list(shard, (name, size) -> name.endsWith(".cls"));
            List<TarMembers.Member> read = TarMembers.read(
                    new ByteArrayInputStream(Files.readAllBytes(shard)),
                    shard.toString(),
                    (name, size) -> name.endsWith(".cls"));
            assertEquals(4, listed.size());
            for (int i = 0; i < listed.size(); i++) {
                TarMembers.Member a = listed.get(i), b = read.get(i);
                assertEquals(List.of(a.name(), a.dataOffset(), a.size()), List.of(b.name(), b.dataOffset(), b.size()));
                assertEquals(a.data() == null, b.data() == null);
            }
            assertEquals("d".repeat(120) + "/000001.txt", listed.get(2).name());
            assertEquals("7", new String(listed.get(3).data(), StandardCharsets.UTF_8));
            byte[] bytes = Files.readAllBytes(shard);
            TarMembers.Member png = listed.get(1);
            assertEquals(0, bytes[(int) png.dataOffset()], "the offset points at the member's data");
        }
    }

    @Test
    void endsWithoutZeroBlocksOrWithPaddingAfterThemAreAccepted() throws IOException {
        byte[] whole = Files.readAllBytes(TestTars.write(dir.resolve("w.tar"), members()));
        List<TarMembers.Member> expected = TarMembers.list(dir.resolve("w.tar"), (n, s) -> false);
        long end = expected.getLast().dataOffset() + 512; // "7" and its padding
        Path bare = Files.write(dir.resolve("bare.tar"), Arrays.copyOf(whole, (int) end));
        Path padded = Files.write(dir.resolve("padded.tar"), Arrays.copyOf(whole, (int) end + 512 + 100));
        for (Path p : List.of(bare, padded)) {
            assertEquals(offsets(expected), offsets(TarMembers.list(p, (n, s) -> false)), p.toString());
        }
    }

    private static List<Long> offsets(List<TarMembers.Member> members) {
        return members.stream().map(TarMembers.Member::dataOffset).toList();
    }

    @Test
    void aCorruptHeaderChecksumNamesTheHeader() throws IOException {
        byte[] bytes = tar(Map.of("a.txt", "x"));
        bytes[2] ^= 0x20; // 't' to 'T' in the name field, so the header still parses
        assertError(
                bytes,
                "bad header checksum at byte offset 0 (member 'a.Txt');" + " the file is corrupt or not a tar archive");
    }

    @Test
    void aTruncatedMemberNamesItsDataAndWhereTheFileEnds() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a.txt", "x");
        m.put("b.png", new byte[3000]);
        byte[] bytes = Arrays.copyOf(tar(m), 1536 + 1000);
        assertError(
                bytes,
                "is truncated: it ends at byte offset 2536 inside member 'b.png' (data at offset 1536, 3000 bytes)");
    }

    @Test
    void aMemberLargerThanTheFileIsTruncationNotAnAllocation() throws IOException {
        byte[] bytes = tar(Map.of("big.bin", new byte[100]));
        // the size field claims 8 GiB - 1 (octal 77777777777); the file holds 100 bytes of it
        System.arraycopy("77777777777".getBytes(StandardCharsets.US_ASCII), 0, bytes, 124, 11);
        fixChecksum(bytes, 0);
        assertError(
                Arrays.copyOf(bytes, 1024),
                "is truncated: it ends at byte offset 1024 inside member 'big.bin' (data at offset 512, 8589934591 bytes)");
    }

    @Test
    void aHeaderCutShortIsTruncationAtThatHeader() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a.txt", "x");
        m.put("b.txt", "y");
        assertError(
                Arrays.copyOf(tar(m), 1024 + 100),
                "is truncated: it ends at byte offset 1124 inside the member header that starts at offset 1024");
    }

    @Test
    void anUnparsableHeaderIsCorruptAtItsOffset() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a.txt", "x");
        m.put("b.txt", "y");
        byte[] bytes = tar(m);
        System.arraycopy("9x9".getBytes(StandardCharsets.US_ASCII), 0, bytes, 1024 + 124, 3); // the size field
        fixChecksum(bytes, 1024);
        assertError(
                bytes,
                "the member header at byte offset 1024 is corrupt (Corrupted TAR archive: Invalid byte 57 at offset 0");
    }

    /** The .tar and the .tar.gz of the same bytes give one line each, the same after the shard's name. */
    private void assertError(byte[] tarBytes, String fragment) throws IOException {
        String tail = null;
        for (String name : List.of("x.tar", "x.tar.gz")) {
            Path shard = Files.write(dir.resolve(name), name.endsWith(".gz") ? gzip(tarBytes) : tarBytes);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> WebDataset.open(shard.toString()));
            String message = e.getMessage();
            assertEquals(IllegalArgumentException.class, e.getClass(), e.toString());
            assertTrue(message.startsWith("tar shard " + shard), message);
            assertTrue(message.contains(fragment), message);
            assertFalse(message.contains("\n"), message);
            String after = message.substring(("tar shard " + shard).length());
            if (tail != null) assertEquals(tail, after, "plain and gzip'd say the same");
            tail = after;
        }
    }

    private byte[] tar(Map<String, Object> m) throws IOException {
        return Files.readAllBytes(TestTars.write(dir.resolve("src.tar"), m));
    }

    private static void fixChecksum(byte[] bytes, int header) {
        Arrays.fill(bytes, header + 148, header + 156, (byte) ' ');
        long sum = 0;
        for (int i = header; i < header + 512; i++) sum += bytes[i] & 0xFF;
        byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, bytes, header + 148, 8);
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
