package dev.loupe.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips through {@link Npy}, files numpy wrote (golden/npy/, made by
 * tools/golden/make_tensor_fixtures.py) and every malformed case with the message it must give.
 */
class NpyTest {
    @TempDir
    Path dir;

    // ---- round trips -----------------------------------------------------------------------------

    @Test
    void roundTripsEveryDtype() throws IOException {
        for (DType dtype : DType.values()) {
            Tensor t = sample(dtype, 2, 3);
            assertSame(t, roundTrip(t), dtype + " (2, 3)");
        }
    }

    @Test
    void roundTripsScalarsAndEmptyTensors() throws IOException {
        for (DType dtype : DType.values()) {
            assertSame(sample(dtype), roundTrip(sample(dtype)), dtype + " 0-d");
            assertSame(sample(dtype, 0, 3), roundTrip(sample(dtype, 0, 3)), dtype + " (0, 3)");
            assertSame(sample(dtype, 4, 0, 2), roundTrip(sample(dtype, 4, 0, 2)), dtype + " (4, 0, 2)");
            assertSame(sample(dtype, 7), roundTrip(sample(dtype, 7)), dtype + " (7,)");
        }
    }

    @Test
    void writesViewsInRowMajorOrder() throws IOException {
        for (DType dtype : DType.values()) {
            Tensor base = sample(dtype, 4, 6, 5);
            Tensor[] views = {
                base.permute(2, 0, 1),
                base.slice(1, 1, 6, 2),
                base.narrow(0, 1, 2),
                base.select(2, 3).mT(),
                base.select(0, 2).narrow(0, 2, 1).expand(3, 5),
            };
            for (Tensor v : views) {
                Tensor back = roundTrip(v);
                assertSame(v, back, dtype + " view " + v);
                assertTrue(back.isContiguous() && back.offset() == 0, "read returns a fresh contiguous tensor");
            }
        }
    }

    @Test
    void writesExactlyWhatNumpyWrites() throws IOException {
        // numpy 1.24 pads the header to a multiple of 64 bytes, as Npy.write does: identical files.
        Tensor grid = Tensor.of(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, 2, 3);
        Path out = dir.resolve("grid.npy");
        Npy.write(out, grid);
        assertArrayEquals(Files.readAllBytes(fixture("f4_2x3.npy")), Files.readAllBytes(out));
    }

    @Test
    void headerIsPaddedSoDataStartsAtAMultipleOf64() throws IOException {
        for (int[] shape : new int[][] {{}, {1}, {3, 4}, {3, 0, 100000, 100000, 100000, 100000, 7}}) {
            Path out = dir.resolve("pad.npy");
            Npy.write(out, Tensor.zeros(shape));
            byte[] bytes = Files.readAllBytes(out);
            int headerLength = Short.toUnsignedInt(
                    ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
            int dataStart = 10 + headerLength;
            assertEquals(0, dataStart % 64, "data offset for shape " + Arrays.toString(shape));
            assertEquals('\n', bytes[dataStart - 1]);
            assertEquals(1, bytes[6], "major version");
            assertEquals(bytes.length, dataStart + 4 * Tensor.zeros(shape).numel());
        }
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path out = dir.resolve("x.npy");
        Files.writeString(out, "old contents");
        Npy.write(out, Tensor.of(new float[] {1, 2, 3}));
        assertArrayEquals(new float[] {1, 2, 3}, Npy.read(out).toFloatArray());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the target file remains");
        }
    }

    @Test
    void writtenFilesGetTheFolderUsualPermissions() throws IOException {
        Path plain = Files.write(dir.resolve("plain.bin"), new byte[1]);
        Path out = dir.resolve("perm.npy");
        Npy.write(out, Tensor.scalar(1f));
        if (Files.getFileStore(out).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
        }
    }

    @Test
    void aFailedWriteLeavesNoTemporaryFile() throws IOException {
        Path occupied = Files.createDirectory(dir.resolve("occupied.npy"));
        Files.write(occupied.resolve("inside"), new byte[1]);
        assertThrows(IOException.class, () -> Npy.write(occupied, Tensor.scalar(1f)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(occupied), files.toList(), "only the folder that blocked the rename remains");
        }
    }

    @Test
    void rejectsShapesTooLargeForTheFile() throws IOException {
        String huge = "{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }";
        assertMalformed(
                write("huge.npy", npy(1, huge, new byte[8])), 10, "has more than 2^59 elements", "holds 8 data bytes");
        String wraps = "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536, 65536), }";
        assertMalformed(
                write("wraps.npy", npy(1, wraps, new byte[0])),
                10,
                "(65536, 65536, 65536, 65536) has more than 2^59 elements");
        String big = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000, 1000, 1000), }";
        assertMalformed(
                write("big.npy", npy(1, big, new byte[8])),
                10 + big.length(),
                "data too short",
                "needs 8000000000 bytes, found 8");
        String empty = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 0, 100000), }";
        assertArrayEquals(
                new int[] {100000, 0, 100000},
                Npy.read(write("empty.npy", npy(1, empty, new byte[0]))).sizes());
    }

    // ---- files numpy wrote -------------------------------------------------------------------------

    @Test
    void readsFloat32FromEveryVersion() throws IOException {
        for (String name : new String[] {"f4_2x3.npy", "f4_v2.npy", "f4_v3.npy"}) {
            Tensor t = Npy.read(fixture(name));
            assertEquals(DType.F32, t.dtype(), name);
            assertArrayEquals(new int[] {2, 3}, t.sizes(), name);
            assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, t.toFloatArray(), name);
        }
    }

    @Test
    void readsScalarsIntegersEmptyAndBooleans() throws IOException {
        Tensor s = Npy.read(fixture("f8_scalar.npy"));
        assertEquals(DType.F64, s.dtype());
        assertEquals(0, s.rank());
        assertEquals(2.75, s.item());

        Tensor i = Npy.read(fixture("i4_1d.npy"));
        assertEquals(DType.I32, i.dtype());
        assertArrayEquals(new int[] {5}, i.sizes());
        assertArrayEquals(new int[] {-3, 0, 7, Integer.MAX_VALUE, Integer.MIN_VALUE}, ((CpuStorage) i.storage()).i32());

        Tensor e = Npy.read(fixture("i8_empty.npy"));
        assertEquals(DType.I64, e.dtype());
        assertArrayEquals(new int[] {0, 3}, e.sizes());

        Tensor big = Npy.read(fixture("i8_big.npy"));
        assertArrayEquals(new long[] {1L << 40, -(1L << 50), 3, -4}, big.toLongArray());

        Tensor b = Npy.read(fixture("b1.npy"));
        assertEquals(DType.BOOL, b.dtype());
        assertArrayEquals(new byte[] {1, 0, 1, 0, 0, 1}, ((CpuStorage) b.storage()).bool());
    }

    @Test
    void readsUnsignedBytesAsI32() throws IOException {
        Tensor u = Npy.read(fixture("u1.npy"));
        assertEquals(DType.I32, u.dtype());
        assertArrayEquals(new int[] {0, 1, 127, 128, 255}, ((CpuStorage) u.storage()).i32());
    }

    // ---- malformed files: each message names the file, the byte offset and the problem ---------------

    @Test
    void rejectsBadMagic() throws IOException {
        assertMalformed(
                write("text.npy", "hello, not numpy".getBytes(StandardCharsets.US_ASCII)),
                0,
                "bad magic",
                "\\x93NUMPY");
        assertMalformed(write("empty.npy", new byte[0]), 0, "bad magic", "only 0 bytes");
    }

    @Test
    void rejectsUnsupportedVersions() throws IOException {
        byte[] v4 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        v4[6] = 4;
        assertMalformed(write("v4.npy", v4), 6, "version 4.0", "expected 1.0, 2.0 or 3.0");
        byte[] v11 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        v11[7] = 1;
        assertMalformed(write("v11.npy", v11), 6, "version 1.1");
    }

    @Test
    void rejectsAFileThatEndsInsideThePreamble() throws IOException {
        byte[] full = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        assertMalformed(write("short7.npy", Arrays.copyOf(full, 7)), 6, "ends inside the 2-byte version");
        assertMalformed(write("short9.npy", Arrays.copyOf(full, 9)), 8, "ends inside the 2-byte header length");
    }

    @Test
    void rejectsAHeaderLengthPastTheEnd() throws IOException {
        byte[] b = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", new byte[4]);
        ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(1_000_000);
        assertMalformed(
                write("long.npy", b),
                8,
                "header length 1000000 runs past the end",
                "the file has " + b.length + " bytes");
    }

    @Test
    void rejectsUnparsableHeaders() throws IOException {
        String missingParen = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3 }";
        assertMalformed(
                write("paren.npy", npy(1, missingParen, new byte[24])),
                10 + missingParen.indexOf('}'),
                "unparsable header",
                "expected ',' or ')'");
        String oneInt = "{'descr': '<f4', 'fortran_order': False, 'shape': (5), }";
        assertMalformed(
                write("int.npy", npy(1, oneInt, new byte[20])), 10 + oneInt.indexOf('('), "trailing comma: (5,)");
        String extraKey = "{'descr': '<f4', 'fortran_order': False, 'shape': (), 'x': 1}";
        assertMalformed(
                write("key.npy", npy(1, extraKey, new byte[4])), 10 + extraKey.indexOf("'x'"), "unexpected key 'x'");
        String missingKey = "{'descr': '<f4', 'shape': (), }";
        assertMalformed(write("nokey.npy", npy(1, missingKey, new byte[4])), 10, "lacks the key 'fortran_order'");
        String structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (), }";
        assertMalformed(
                write("struct.npy", npy(1, structured, new byte[4])),
                10 + structured.indexOf('['),
                "expected a string, True, False or a tuple");
        String garbage = "{'descr': '<f4', 'fortran_order': False, 'shape': (), } junk";
        assertMalformed(
                write("junk.npy", npy(1, garbage, new byte[4])), 10 + garbage.indexOf('j'), "after the closing '}'");
        String negative = "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }";
        assertMalformed(
                write("neg.npy", npy(1, negative, new byte[4])), 10 + negative.indexOf('-'), "non-negative size");
    }

    @Test
    void acceptsPythonVariantsOfTheHeader() throws IOException {
        String variant = "{\"shape\": (1L,2L),\"fortran_order\":False,'descr':'<i4'}";
        Tensor t = Npy.read(write(
                "variant.npy",
                npy(1, variant, new byte[] {1, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})));
        assertArrayEquals(new int[] {1, 2}, t.sizes());
        assertArrayEquals(new int[] {1, -1}, ((CpuStorage) t.storage()).i32());
    }

    @Test
    void rejectsBigEndianAndUnknownDescr() throws IOException {
        int descrAt = 10 + "{'descr': ".length();
        assertMalformed(fixture("f4_bigendian.npy"), descrAt, "big-endian descr '>f4'", "astype('<f4')");
        assertMalformed(fixture("f2.npy"), descrAt, "unsupported descr '<f2'", "'<f4'");
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        int at = 10 + "{'descr': '<f4', 'fortran_order': ".length();
        assertMalformed(fixture("f4_fortran.npy"), at, "fortran_order True", "np.ascontiguousarray");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] full = Files.readAllBytes(fixture("f4_2x3.npy"));
        Path cut = write("cut.npy", Arrays.copyOf(full, full.length - 5));
        assertMalformed(cut, 128, "data too short", "needs 24 bytes, found 19");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private Tensor roundTrip(Tensor t) throws IOException {
        Path file = dir.resolve("t.npy");
        Npy.write(file, t);
        return Npy.read(file);
    }

    /** Distinct values per element (so misplaced elements show), in {@code dtype}. */
    private static Tensor sample(DType dtype, int... shape) {
        Tensor t = Tensor.empty(dtype, shape);
        CpuStorage s = (CpuStorage) t.storage();
        for (int i = 0; i < t.numel(); i++) {
            switch (dtype) {
                case F32, F64 -> s.setDouble(i, i * 1.25 - 3.5);
                case I32 -> s.setLong(i, (i * 7919L) % 1000 - 500);
                case I64 -> s.setLong(i, (1L << 40) + i * 131L - 4000);
                case BOOL -> s.setDouble(i, i % 3 == 0 ? 1 : 0);
            }
        }
        return t;
    }

    private static void assertSame(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.sizes(), actual.sizes(), what);
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), what);
        if (expected.dtype() == DType.I64) assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A .npy file with {@code header} (unpadded) at version {@code major}.0 followed by {@code data}. */
    private static byte[] npy(int major, String header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) len.putShort((short) h.length);
        else len.putInt(h.length);
        out.writeBytes(len.array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void aMissingFileOrADirectoryIsNamedWithWhatIsWrong() {
        Path missing = dir.resolve("nope.npy");
        IOException e = assertThrows(IOException.class, () -> Npy.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(IOException.class, () -> Npy.read(dir));
        assertEquals(dir + ": a directory, not a .npy file", e.getMessage());
    }

    private static void assertMalformed(Path file, long offset, String... fragments) {
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(file));
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "message names the file: " + m);
        assertEquals(offset, e.offset(), "offset in: " + m);
        assertTrue(m.contains("at byte " + offset), "message names the offset: " + m);
        for (String f : fragments) assertTrue(m.contains(f), "message contains '" + f + "': " + m);
    }

    private static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/golden/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
