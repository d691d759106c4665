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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    // ---- round trips -----------------------------------------------------------------------------

    /** The same metadata in maps of any order gives the same bytes (keys are written sorted). */
    @Test
    void metadataOrderDoesNotChangeTheBytes() throws IOException {
        Map<String, Tensor> in = Map.of("w", Tensor.of(new double[] {1, 2}, 2));
        Map<String, String> forward = new LinkedHashMap<>(), backward = new LinkedHashMap<>();
        for (String k : List.of("format", "vision_heads", "text_heads")) forward.put(k, k + "-value");
        for (String k : List.of("text_heads", "vision_heads", "format")) backward.put(k, k + "-value");
        ByteArrayOutputStream a = new ByteArrayOutputStream(), b = new ByteArrayOutputStream();
        SafeTensors.write(java.nio.channels.Channels.newChannel(a), in, forward);
        SafeTensors.write(java.nio.channels.Channels.newChannel(b), in, backward);
        assertArrayEquals(a.toByteArray(), b.toByteArray());
        String header = new String(a.toByteArray(), StandardCharsets.UTF_8);
        assertTrue(header.indexOf("\"format\"") < header.indexOf("\"text_heads\""), header);
    }

    @Test
    void everyDtypeRoundTripsInOrderWithMetadata() throws IOException {
        Random r = new Random(1);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("z.f32", random(DType.F32, r, 2, 3));
        in.put("a.f64", random(DType.F64, r, 5));
        in.put("m.i32", random(DType.I32, r, 2, 2));
        in.put("b.i64", random(DType.I64, r, 4));
        in.put("mask", random(DType.BOOL, r, 3, 1, 2));
        in.put("scalar", Tensor.view(CpuStorage.of(new float[] {-2.5f}), new int[0], new int[0], 0));
        in.put("scalar.i64", Tensor.view(CpuStorage.of(new long[] {Long.MIN_VALUE}), new int[0], new int[0], 0));
        in.put("empty", Tensor.zeros(0, 3));
        in.put("empty.i64", Tensor.empty(DType.I64, 0));
        in.put("transposed", random(DType.F32, r, 3, 4).mT());
        in.put("strided", random(DType.F64, r, 4, 6).slice(1, 1, 6, 2).narrow(0, 1, 3));
        in.put("broadcast", random(DType.I32, r, 1, 3).expand(2, 3));
        Map<String, String> meta = Map.of("format", "pt", "epoch", "3", "unicode", "Grüße ✓");
        Path f = dir.resolve("all.safetensors");
        SafeTensors.write(f, in, meta);

        SafeTensorsFile back = SafeTensors.readFile(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(back.tensors().keySet()), "file order = map order");
        assertEquals(meta, back.metadata());
        assertEquals(meta, SafeTensors.readMetadata(f));
        for (var e : in.entrySet())
            assertSameTensor(e.getValue(), back.tensors().get(e.getKey()), e.getKey());
        assertEquals(0, back.tensors().get("scalar").rank());
        assertEquals(0, back.tensors().get("scalar.i64").rank());

        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data section starts on an 8-byte boundary");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertTrue(
                json.endsWith("}") && header.substring(json.length()).chars().allMatch(c -> c == ' '),
                "padded with spaces: " + header);
    }

    @Test
    void tensorsLargerThanTheWriteBufferRoundTripAndStreamToAChannel() throws IOException {
        Random r = new Random(2);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("small", random(DType.I64, r, 3));
        in.put("big", random(DType.F32, r, 700, 1000));
        in.put("big.f64", random(DType.F64, r, 300, 1000).narrow(0, 7, 200));
        Path f = dir.resolve("big.safetensors");
        SafeTensors.write(f, in, Map.of("k", "v"));
        Map<String, Tensor> back = SafeTensors.read(f);
        for (var e : in.entrySet()) assertSameTensor(e.getValue(), back.get(e.getKey()), e.getKey());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SafeTensors.write(java.nio.channels.Channels.newChannel(bytes), in, Map.of("k", "v"));
        assertArrayEquals(Files.readAllBytes(f), bytes.toByteArray(), "the channel gets the same bytes as the file");
    }

    @Test
    void noMetadataAndNoTensors() throws IOException {
        Path f = dir.resolve("none.safetensors");
        SafeTensors.write(f, Map.of());
        assertTrue(SafeTensors.read(f).isEmpty());
        assertTrue(SafeTensors.readMetadata(f).isEmpty());
        assertEquals(16, Files.size(f), "8-byte length + '{}' padded to 8");
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("ckpt.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.of(new float[] {1, 2})), Map.of("step", "1"));
        SafeTensors.write(f, Map.of("w", Tensor.of(new float[] {3, 4, 5})), Map.of("step", "2"));
        assertArrayEquals(new float[] {3, 4, 5}, SafeTensors.read(f).get("w").toFloatArray());
        assertEquals(Map.of("step", "2"), SafeTensors.readMetadata(f));
        assertThrows(
                IllegalArgumentException.class,
                () -> SafeTensors.write(f, Map.of("__metadata__", Tensor.of(new float[] {9})), Map.of()));
        assertEquals(Map.of("step", "2"), SafeTensors.readMetadata(f), "a failed write keeps the old file");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "no temporary file left behind");
        }
    }

    // ---- hand-built files: widening dtypes -----------------------------------------------------------

    @Test
    void f16Bf16U8AndBoolWidenExactly() throws IOException {
        short[] f16 = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, 0x7C00, (short) 0xFC00, 0x7E00, (short) 0x8000, 0x3555};
        short[] bf16 = {0x3F80, (short) 0xC049, 0x7F80, 0x0001, (short) 0x8000, 0x7F7F};
        byte[] u8 = {0, 1, (byte) 200, (byte) 255};
        byte[] bool = {0, 1, 2, (byte) 0xff, 0};
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(le(f16));
        data.writeBytes(u8);
        data.writeBytes(bool);
        data.writeBytes(le(bf16)); // starts at an odd offset: unaligned reads
        data.writeBytes(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(0.75f)
                .array());
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3,3],\"data_offsets\":[0,18]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[18,22]},"
                + "\"m\":{\"dtype\":\"BOOL\",\"shape\":[5],\"data_offsets\":[22,27]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[27,39]},"
                + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[39,43]}}";
        Map<String, Tensor> t = SafeTensors.read(file("widen", json, data.toByteArray()));
        assertEquals(List.of("h", "u", "m", "b", "s"), List.copyOf(t.keySet()));

        Tensor h = t.get("h");
        assertEquals(DType.F32, h.dtype());
        assertArrayEquals(new int[] {3, 3}, h.sizes());
        float[] hv = h.toFloatArray();
        float[] hw = {
            1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -0f, 0.333251953125f
        };
        for (int i = 0; i < hw.length; i++)
            assertEquals(Float.floatToIntBits(hw[i]), Float.floatToIntBits(hv[i]), "F16 element " + i);

        float[] bv = t.get("b").toFloatArray();
        float[] bw = {
            1f,
            -3.140625f,
            Float.POSITIVE_INFINITY,
            Float.intBitsToFloat(0x00010000),
            -0f,
            Float.intBitsToFloat(0x7F7F0000)
        };
        for (int i = 0; i < bw.length; i++)
            assertEquals(Float.floatToRawIntBits(bw[i]), Float.floatToRawIntBits(bv[i]), "BF16 element " + i);

        assertEquals(DType.I32, t.get("u").dtype());
        assertArrayEquals(new long[] {0, 1, 200, 255}, t.get("u").toLongArray());
        assertEquals(DType.BOOL, t.get("m").dtype());
        assertArrayEquals(new byte[] {0, 1, 1, 1, 0}, ((CpuStorage) t.get("m").storage()).bool());
        assertEquals(0.75, t.get("s").item());
    }

    // ---- a file written by Python ------------------------------------------------------------------

    /** Fixture made by tools/golden/make_safetensors_fixture.py (torch 1.13, format written by hand). */
    @Test
    void readsTorchFixture() throws IOException, URISyntaxException {
        Path f = Path.of(
                getClass().getResource("/golden/torch_fixture.safetensors").toURI());
        SafeTensorsFile st = SafeTensors.readFile(f);
        assertEquals(
                List.of("ids", "bf_as_f32", "half_as_f32", "to_half", "weight", "bf", "half", "to_half_by_torch"),
                List.copyOf(st.tensors().keySet()),
                "tensors in data order, not header order");
        assertEquals(Map.of("format", "pt", "made_by", "tools/golden/make_safetensors_fixture.py"), st.metadata());
        Tensor w = st.tensors().get("weight");
        assertArrayEquals(new int[] {2, 3}, w.sizes());
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, w.toFloatArray());
        assertEquals(DType.I64, st.tensors().get("ids").dtype());
        assertArrayEquals(new long[] {-1, 0, 1L << 40}, st.tensors().get("ids").toLongArray());
        for (String name : List.of("half", "bf")) {
            Tensor widened = st.tensors().get(name), torch = st.tensors().get(name + "_as_f32");
            assertArrayEquals(torch.sizes(), widened.sizes(), name);
            float[] a = torch.toFloatArray(), b = widened.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(
                        Float.floatToRawIntBits(a[i]),
                        Float.floatToRawIntBits(b[i]),
                        name + " element " + i + " vs torch .float()");
            }
        }
    }

    /** writeHalf rounds F32 as torch's .half() does (ties to even, subnormals, 65519 down to 65504). */
    @Test
    void writeHalfRoundsAsTorch() throws IOException, URISyntaxException {
        Path f = Path.of(
                getClass().getResource("/golden/torch_fixture.safetensors").toURI());
        Map<String, Tensor> fixture = SafeTensors.read(f);
        Path half = dir.resolve("half.safetensors");
        Tensor ids = Tensor.view(CpuStorage.of(new long[] {7, -8}), new int[] {2}, new int[] {1}, 0);
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", fixture.get("to_half"));
        in.put("ids", ids);
        in.put("t", fixture.get("weight").transpose(0, 1)); // a strided view is stored row-major
        SafeTensors.writeHalf(half, in, Map.of("format", "pt"));

        SafeTensorsFile read = SafeTensors.readFile(half);
        float[] torch = fixture.get("to_half_by_torch").toFloatArray(),
                ours = read.tensors().get("x").toFloatArray();
        for (int i = 0; i < torch.length; i++)
            assertEquals(Float.floatToRawIntBits(torch[i]), Float.floatToRawIntBits(ours[i]), "element " + i);
        assertArrayEquals(new long[] {7, -8}, read.tensors().get("ids").toLongArray(), "I64 is stored as it is");
        assertEquals(DType.I64, read.tensors().get("ids").dtype());
        assertArrayEquals(
                fixture.get("weight").transpose(0, 1).contiguous().toFloatArray(),
                read.tensors().get("t").toFloatArray());
        String header = new String(Files.readAllBytes(half), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"x\":{\"dtype\":\"F16\""), header);
        assertEquals(Map.of("format", "pt"), read.metadata());

        Path again = dir.resolve("again.safetensors");
        SafeTensors.writeHalf(again, read.tensors(), read.metadata());
        assertArrayEquals(Files.readAllBytes(half), Files.readAllBytes(again), "rounded values round-trip exactly");
    }

    @Test
    void writeHalfRefusesAValueBeyondF16sRangeAndWritesNothing() {
        Path f = dir.resolve("big.safetensors");
        Map<String, Tensor> in = Map.of("w", Tensor.of(new float[] {1f, 65519.99f, -70000f}, 3));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SafeTensors.writeHalf(f, in, Map.of()));
        assertTrue(e.getMessage().contains("'w' element 2 is -70000.0"), e.getMessage());
        assertTrue(!Files.exists(f), "nothing written");
    }

    // ---- malformed files ---------------------------------------------------------------------------

    @Test
    void tooShortFiles() throws IOException {
        assertMalformed(write("empty", new byte[0]), "0 bytes long", "8-byte header length");
        assertMalformed(write("five", new byte[5]), "5 bytes long");
    }

    @Test
    void headerLengthPastTheFileOrAbsurd() throws IOException {
        byte[] json = "{}      ".getBytes(StandardCharsets.US_ASCII);
        assertMalformed(write("past", concat(u64(9), json)), "header length 9", "runs past the end of the file");
        assertMalformed(write("huge", concat(u64(200_000_000L), json)), "header length 200000000", "limit");
        assertMalformed(write("negative", concat(u64(-1), json)), "header length 18446744073709551615", "limit");
    }

    @Test
    void headerNotUtf8JsonObject() throws IOException {
        byte[] bad = "{\"x\u00ff\":{}}     ".getBytes(StandardCharsets.ISO_8859_1);
        MalformedFileException e = assertMalformed(write("utf8", concat(u64(bad.length), bad)), "not valid UTF-8");
        assertEquals(8 + 3, e.offset(), "offset of the bad byte");
        assertMalformed(file("array", "[1, 2]", new byte[0]), "starting with '{'");
        assertMalformed(file("broken", "{\"a\": {\"dtype\": ", new byte[0]), "not valid JSON");
        assertMalformed(file("trailing", "{} {}", new byte[0]), "header");
        assertMalformed(
                file(
                        "twice",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
                        new byte[4]),
                "Duplicate field 'a'");
        assertMalformed(
                file("meta", "{\"__metadata__\":{\"k\":3}}", new byte[0]), "__metadata__", "'k'", "must be a string");
    }

    @Test
    void missingOrInvalidFields() throws IOException {
        assertMalformed(
                file("nodtype", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'w'", "dtype");
        assertMalformed(
                file("noshape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'w'",
                "shape");
        assertMalformed(
                file("nooffsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]),
                "tensor 'w'",
                "data_offsets");
        assertMalformed(
                file("dtype", "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]),
                "tensor 'w'",
                "dtype F8_E4M3 is not supported");
        assertMalformed(
                file("negshape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'w'",
                "negative size -1 at dim 1");
        assertMalformed(
                file("fracshape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'w'",
                "not an integer");
        assertMalformed(
                file("onepair", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", new byte[4]),
                "tensor 'w'",
                "[begin, end]");
        assertMalformed(
                file("reversed", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", new byte[4]),
                "tensor 'w'",
                "begin <= end");
    }

    @Test
    void offsetsInconsistentWithTheData() throws IOException {
        MalformedFileException past = assertMalformed(
                file("past", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[4]),
                "tensor 'w'",
                "runs past the data section of 4 bytes");
        assertTrue(past.offset() >= 8, "offset points into the file: " + past.offset());
        assertMalformed(
                file("size", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
                "tensor 'w'",
                "hold 8 bytes, expected 12");
        assertMalformed(
                file(
                        "overlap",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        new byte[12]),
                "'b'",
                "overlaps tensor 'a'");
        assertMalformed(
                file(
                        "hole",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
                        new byte[12]),
                "data bytes [4, 8)",
                "without holes");
        assertMalformed(
                file("tail", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[10]),
                "last 6 bytes of the data section belong to no tensor");
    }

    @Test
    void aShapeWhoseElementCountOverflowsIsRefusedNamingTheTensor() throws IOException {
        // 2^64 elements: wrapped to 0 in long arithmetic, it used to match data_offsets [0, 0]
        assertMalformed(
                file(
                        "wrap",
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}",
                        new byte[0]),
                "tensor 'w'",
                "shape [65536,65536,65536,65536] has more elements than 2^63",
                "overflows at dim 3");
        assertMalformed(
                file(
                        "zero-after",
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,0],"
                                + "\"data_offsets\":[0,0]}}",
                        new byte[0]),
                "tensor 'w'",
                "overflows at dim 2");
        assertMalformed(
                file("big", "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,0]}}", new byte[0]),
                "tensor 'w'",
                "more elements than a CPU storage can hold");
        Path empty = file(
                "empty",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[0,2147483647,2147483647],\"data_offsets\":[0,0]}}",
                new byte[0]);
        assertEquals(0, SafeTensors.read(empty).get("w").numel());
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /** Reads {@code f}, expecting a MalformedFileException naming the file and every fragment. */
    private MalformedFileException assertMalformed(Path f, String... fragments) {
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafeTensors.read(f));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), "'" + m + "' does not name the file");
        assertTrue(m.contains("at byte " + e.offset()), "'" + m + "' does not name the offset");
        String problem = m.replace(f.toString(), "");
        for (String s : fragments) assertTrue(problem.contains(s), "'" + m + "' lacks '" + s + "'");
        assertEquals(f, e.file());
        return e;
    }

    /** A safetensors file with this JSON header (padded with spaces to 8) and data section. */
    private Path file(String name, String json, byte[] data) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        byte[] header = java.util.Arrays.copyOf(h, padded);
        java.util.Arrays.fill(header, h.length, padded, (byte) ' ');
        return write(name, concat(concat(u64(padded), header), data));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name + ".safetensors"), bytes);
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] le(short[] v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : v) b.putShort(s);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static Tensor random(DType dtype, Random r, int... shape) {
        Tensor t = Tensor.empty(dtype, shape);
        CpuStorage s = (CpuStorage) t.storage();
        for (int i = 0; i < t.numel(); i++) {
            switch (dtype) {
                case F32, F64 -> s.setDouble(i, r.nextGaussian());
                case I32 -> s.setLong(i, r.nextInt());
                case I64 -> s.setLong(i, r.nextLong());
                case BOOL -> s.setDouble(i, r.nextInt(2));
            }
        }
        return t;
    }

    /** Same dtype, shape and bitwise values; the read tensor is contiguous. */
    private static void assertSameTensor(Tensor want, Tensor got, String name) {
        assertEquals(want.dtype(), got.dtype(), name);
        assertArrayEquals(want.sizes(), got.sizes(), name);
        assertTrue(got.isContiguous(), name);
        if (want.dtype().isFloating()) {
            double[] a = want.toDoubleArray(), b = got.toDoubleArray();
            for (int i = 0; i < a.length; i++)
                assertEquals(Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), name + " " + i);
        } else {
            assertArrayEquals(want.toLongArray(), got.toLongArray(), name);
        }
    }

    @Test
    void aMissingFileOrADirectoryIsNamedWithWhatIsWrong(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.safetensors");
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(IOException.class, () -> SafeTensors.readMetadata(tmp));
        assertEquals(tmp + ": a directory, not a safetensors file", e.getMessage());
    }
}
