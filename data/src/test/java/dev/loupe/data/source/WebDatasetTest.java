package dev.loupe.data.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebDatasetTest {
    @TempDir
    Path dir;

    private static Map<String, Object> mixedMembers() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("000000.jpg", TestImages.encoded(40, 8, 8, "jpg"));
        m.put("000000.txt", "  a jpeg with a text caption\n");
        m.put("000001.png", TestImages.encoded(41, 4, 3, "png"));
        m.put("000001.json", "{\"caption\": \"from json\", \"width\": 4}");
        m.put("dir/000002.PNG", TestImages.encoded(42, 4, 3, "png"));
        m.put("dir/000002.cls", "3\n");
        m.put("000003.png", TestImages.encoded(43, 4, 3, "png"));
        m.put("000003.json", "{\"text\": \"text field\"}");
        m.put("000003.cls", "1");
        return m;
    }

    @Test
    void groupsMembersByKeyAndReadsImageCaptionAndClass() {
        WebDataset data = WebDataset.open(
                TestTars.write(dir.resolve("s.tar"), mixedMembers()).toString());
        assertEquals(4, data.size());
        assertEquals(
                List.of("000000", "000001", "dir/000002", "000003"),
                List.of(data.key(0), data.key(1), data.key(2), data.key(3)));
        assertEquals(List.of("0", "1", "2", "3"), data.classNames());

        Sample jpg = data.get(0);
        assertEquals("a jpeg with a text caption", jpg.caption());
        assertEquals(3, jpg.image().channels());
        assertTrue(Math.abs(TestImages.idOf(jpg.image()) - 40) <= 3, "JPEG keeps a flat red of 40 within a few levels");
        assertEquals(Sample.NO_LABEL, jpg.label());
        assertEquals(dir.resolve("s.tar") + ":000000", jpg.key());

        assertEquals("from json", data.get(1).caption());
        assertEquals(41, TestImages.idOf(data.get(1).image()));
        Sample classed = data.get(2);
        assertEquals(3, classed.label());
        assertNull(classed.caption());
        assertEquals(42, TestImages.idOf(classed.image()));
        assertEquals("text field", data.get(3).caption());
        assertEquals(1, data.get(3).label());
    }

    @Test
    void compressedShardsGiveTheSameSamples() {
        WebDataset plain = WebDataset.open(
                TestTars.write(dir.resolve("s.tar"), mixedMembers()).toString());
        WebDataset gz = WebDataset.open(
                TestTars.write(dir.resolve("s.tar.gz"), mixedMembers()).toString());
        assertEquals(plain.size(), gz.size());
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).image(), gz.get(i).image());
            assertEquals(plain.get(i).caption(), gz.get(i).caption());
            assertEquals(plain.get(i).label(), gz.get(i).label());
        }
        IllegalArgumentException tooBig = assertThrows(
                IllegalArgumentException.class,
                () -> WebDataset.open(dir.resolve("s.tar.gz").toString(), dev.loupe.data.decode.ChannelMode.RGB, 100));
        assertTrue(tooBig.getMessage().contains("gunzip"), tooBig.getMessage());
    }

    @Test
    void longNamesInPaxAndGnuFormKeys() {
        String longDir = "d".repeat(120) + "/";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(longDir + "k1.png", TestImages.encoded(7, 4, 3, "png"));
        m.put(longDir + "k1.txt", "long");
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            WebDataset data = WebDataset.open(
                    TestTars.write(dir.resolve("long" + mode + ".tar"), m, mode).toString());
            assertEquals(1, data.size());
            assertEquals(longDir + "k1", data.key(0));
            assertEquals("long", data.get(0).caption());
        }
    }

    @Test
    void bracePatternsOpenEveryShardAndShardingSplitsThem() {
        int[] perShard = {3, 1, 2, 2};
        List<String> allKeys = new ArrayList<>();
        for (int s = 0; s < perShard.length; s++) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int k = 0; k < perShard[s]; k++) {
                String key = "s" + s + "k" + k;
                m.put(key + ".png", TestImages.encoded(s * 10 + k, 4, 3, "png"));
                m.put(key + ".cls", Integer.toString(s));
                allKeys.add(key);
            }
            TestTars.write(dir.resolve(String.format("shard-%06d.tar", s)), m);
        }
        WebDataset data = WebDataset.open(dir + "/shard-{000000..000003}.tar");
        assertEquals(4, data.shards().size());
        assertEquals(allKeys, keys(data));
        assertEquals(21, TestImages.idOf(data.get(5).image()), "sample 5 is the second of shard 2");

        for (int world : new int[] {1, 2, 3, 4, 5, 9}) {
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (int rank = 0; rank < world; rank++) {
                WebDataset part = data.shard(rank, world);
                for (int i = 0; i < part.size(); i++) {
                    assertTrue(seen.add(part.key(i)), "sample " + part.key(i) + " in two ranks of " + world);
                    if (world <= 4) {
                        int shardIndex = data.shards().indexOf(part.shardOf(i));
                        assertEquals(rank, shardIndex % world, "whole shards go to ranks when there are enough");
                    }
                }
                total += part.size();
            }
            assertEquals(allKeys.size(), total, "ranks of " + world + " cover the data set");
            assertEquals(new HashSet<>(allKeys), seen);
        }
        // 4 shards, 5 ranks: samples are dealt round-robin instead.
        assertEquals(List.of(allKeys.get(1), allKeys.get(6)), keys(data.shard(1, 5)));
        assertThrows(IllegalArgumentException.class, () -> data.shard(2, 2));
    }

    private static List<String> keys(WebDataset data) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) keys.add(data.key(i));
        return keys;
    }

    @Test
    void truncatedTarNamesTheShardAndTheOffset() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a.png", TestImages.encoded(1, 4, 3, "png"));
        m.put("b.png", new byte[3000]);
        Path whole = TestTars.write(dir.resolve("whole.tar"), m);
        byte[] bytes = Files.readAllBytes(whole);
        // b.png's header is at 1024 (a.png is under 512 bytes: header + one data block); its data starts at 1536.
        int cut = 1536 + 1000;
        Path cutShard = dir.resolve("cut.tar");
        Files.write(cutShard, Arrays.copyOf(bytes, cut));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> WebDataset.open(cutShard.toString()));
        assertTrue(e.getMessage().contains(cutShard.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + cut), e.getMessage());
        assertTrue(e.getMessage().contains("b.png"), e.getMessage());

        Path midHeader = dir.resolve("mid-header.tar");
        Files.write(midHeader, Arrays.copyOf(bytes, 1024 + 100));
        IllegalArgumentException h =
                assertThrows(IllegalArgumentException.class, () -> WebDataset.open(midHeader.toString()));
        assertTrue(h.getMessage().contains("byte offset 1124"), h.getMessage());

        Path gz = TestTars.write(dir.resolve("whole.tar.gz"), m);
        byte[] gzBytes = Files.readAllBytes(gz);
        Path cutGz = dir.resolve("cut.tar.gz");
        Files.write(cutGz, Arrays.copyOf(gzBytes, gzBytes.length - 20));
        IllegalArgumentException g =
                assertThrows(IllegalArgumentException.class, () -> WebDataset.open(cutGz.toString()));
        assertTrue(g.getMessage().contains(cutGz.toString()), g.getMessage());
    }

    @Test
    void corruptHeaderIsAnErrorWithItsOffset() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a.txt", "x");
        m.put("b.txt", "y");
        byte[] bytes = Files.readAllBytes(TestTars.write(dir.resolve("ok.tar"), m));
        bytes[1024 + 3] ^= 0x55;
        Path bad = dir.resolve("bad.tar");
        Files.write(bad, bytes);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> WebDataset.open(bad.toString()));
        assertTrue(e.getMessage().contains("checksum at byte offset 1024"), e.getMessage());
    }

    @Test
    void captionsAreReadWithoutTheImage() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("000000.png", new byte[] {1, 2, 3});
        m.put("000000.txt", " an undecodable picture \n");
        m.put("000001.json", "{\"caption\": \"no picture at all\"}");
        m.put("000002.png", TestImages.encoded(2, 4, 3, "png"));
        m.put("000002.json", "{not json");
        m.put("000003.png", TestImages.encoded(3, 4, 3, "png"));
        for (String name : List.of("c.tar", "c.tar.gz")) {
            Path shard = TestTars.write(dir.resolve(name), m);
            WebDataset data = WebDataset.open(shard.toString());
            assertThrows(BadSampleException.class, () -> data.get(0));
            assertEquals("an undecodable picture", data.caption(0));
            assertEquals("no picture at all", data.caption(1));
            BadSampleException json = assertThrows(BadSampleException.class, () -> data.caption(2));
            assertEquals(shard + ":000002.json", json.source());
            assertNull(data.caption(3));
        }
    }

    @Test
    void corruptSizesAndPaxRecordsAreErrorsNamingTheShard() throws IOException {
        // found by ReaderFuzz: each used to escape as a NegativeArraySize-, StringIndexOutOfBounds- or
        // NumberFormatException without the shard's name
        byte[] negative = new byte[12];
        Arrays.fill(negative, (byte) 0xff); // base-256 for -1
        assertShardError(
                "negative.tar",
                concat(header("a.txt", '0', negative), new byte[1024]),
                "the member header at byte offset 0 is corrupt (broken archive, entry with negative size)");
        byte[] shortRecord = "1 path=abc\n".getBytes(StandardCharsets.UTF_8);
        assertShardError(
                "short-record.tar",
                concat(header("pax", 'x', octal(shortRecord.length)), block(shortRecord), new byte[1024]),
                "the member header at byte offset 0 is corrupt (Failed to read Paxheader");
        byte[] sizeRecord = "12 size=abc\n".getBytes(StandardCharsets.UTF_8);
        assertShardError(
                "pax-size.tar",
                concat(
                        header("pax", 'x', octal(sizeRecord.length)),
                        block(sizeRecord),
                        header("a.txt", '0', octal(1)),
                        new byte[1536]),
                "the member header at byte offset 0 is corrupt (Unable to parse long from string value: abc)");
        // a long name claiming 1.5 GB in a 1.5 KB file: truncated, read only as far as the file goes
        assertShardError(
                "long-name.tar",
                concat(
                        header("././@LongLink", 'L', octal(1_500_000_000L)),
                        block("x".getBytes(StandardCharsets.UTF_8))),
                "is truncated: it ends at byte offset 1024");
    }

    private void assertShardError(String name, byte[] bytes, String fragment) throws IOException {
        Path shard = Files.write(dir.resolve(name), bytes);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> WebDataset.open(shard.toString()));
        assertEquals(IllegalArgumentException.class, e.getClass(), e.toString());
        assertTrue(e.getMessage().startsWith("tar shard " + shard), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    /** A ustar header block with a valid checksum. */
    private static byte[] header(String name, char type, byte[] sizeField) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        System.arraycopy("0000644".getBytes(StandardCharsets.US_ASCII), 0, h, 100, 7);
        System.arraycopy(sizeField, 0, h, 124, sizeField.length);
        h[156] = (byte) type;
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xFF;
        System.arraycopy(String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
        h[155] = ' ';
        return h;
    }

    private static byte[] octal(long size) {
        return String.format("%011o", size).getBytes(StandardCharsets.US_ASCII);
    }

    /** data padded to whole 512-byte blocks. */
    private static byte[] block(byte[] data) {
        return Arrays.copyOf(data, (data.length + 511) / 512 * 512);
    }

    private static byte[] concat(byte[]... parts) {
        byte[] out = new byte[0];
        for (byte[] p : parts) {
            int at = out.length;
            out = Arrays.copyOf(out, at + p.length);
            System.arraycopy(p, 0, out, at, p.length);
        }
        return out;
    }

    @Test
    void samplesWithoutImageOrWithBadPartsAreBadSamples() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("000000.txt", "caption but no picture");
        m.put("000001.png", TestImages.encoded(1, 4, 3, "png"));
        m.put("000001.cls", "seven");
        m.put("000002.png", TestImages.encoded(2, 4, 3, "png"));
        m.put("000002.txt", " \n");
        m.put("000003.png", TestImages.encoded(3, 4, 3, "png"));
        m.put("000003.json", "{not json");
        m.put("000004.png", new byte[] {1, 2, 3});
        Path shard = TestTars.write(dir.resolve("bad.tar"), m);
        WebDataset data = WebDataset.open(shard.toString());
        assertEquals(5, data.size());
        BadSampleException noImage = assertThrows(BadSampleException.class, () -> data.get(0));
        assertEquals(shard + ":000000", noImage.source());
        assertTrue(noImage.getMessage().contains("no image"), noImage.getMessage());
        assertTrue(assertThrows(BadSampleException.class, () -> data.get(1))
                .getMessage()
                .contains("seven"));
        assertTrue(assertThrows(BadSampleException.class, () -> data.get(2))
                .getMessage()
                .contains("empty caption"));
        assertTrue(assertThrows(BadSampleException.class, () -> data.get(3))
                .getMessage()
                .contains("malformed JSON"));
        assertEquals(
                shard + ":000004.png",
                assertThrows(BadSampleException.class, () -> data.get(4)).source());
    }

    @Test
    void repeatedExtensionWithinASampleIsAnError() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k.txt", "one");
        m.put("dup/../k.txt", "two");
        m.put("x.txt", "three");
        Map<String, Object> dup = new LinkedHashMap<>();
        dup.put("k.a.txt", "one");
        dup.put("k.b.txt", "two");
        assertEquals(
                3,
                WebDataset.open(TestTars.write(dir.resolve("distinct.tar"), m).toString())
                        .size());
        assertEquals(
                1,
                WebDataset.open(TestTars.write(dir.resolve("multi.tar"), dup).toString())
                        .size());

        Path same = dir.resolve("same.tar");
        try {
            byte[] one = Files.readAllBytes(TestTars.write(dir.resolve("one.tar"), Map.of("k.txt", "one")));
            // Two copies of the same member back to back: the same key and extension twice in one sample.
            byte[] twice = new byte[2 * 1024];
            System.arraycopy(one, 0, twice, 0, 1024);
            System.arraycopy(one, 0, twice, 1024, 1024);
            Files.write(same, twice);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> WebDataset.open(same.toString()));
        assertTrue(e.getMessage().contains("two 'txt' members"), e.getMessage());
    }
}
