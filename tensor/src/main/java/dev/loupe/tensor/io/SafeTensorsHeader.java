package dev.loupe.tensor.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and fully validated header of a safetensors file: an 8-byte little-endian header
 * length N, N bytes of UTF-8 JSON, then the data section. Everything is checked before any tensor
 * data is read, so the reader afterwards never leaves the file: sizes and offsets are consistent,
 * and the tensors tile the data section exactly, without overlaps or holes (the safetensors rule).
 *
 * @param entries   tensors in data order (by begin offset)
 * @param metadata  the {@code __metadata__} map, empty when absent
 * @param dataStart file offset of the data section (8 + N)
 */
record SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    /** Same limit as the Python library: a larger header is a corrupt length, not a real header. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final String METADATA_KEY = "__metadata__";
    /** Duplicate names (of tensors or of fields) are an error, not last-one-wins. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * One tensor. {@code begin} and {@code end} are relative to the data section; {@code at} is the
     * file offset of the tensor's entry in the header (for error messages).
     */
    record Entry(String name, SafeTensorsDType dtype, int[] shape, int numel, long begin, long end, long at) {}

    /** Parses and validates the header of {@code file}, whose whole contents are {@code seg}. */
    static SafeTensorsHeader parse(Path file, MemorySegment seg) throws MalformedFileException {
        long size = seg.byteSize();
        if (size < 8) {
            throw new MalformedFileException(
                    file, 0, "file is " + size + " bytes long; a safetensors file starts with an 8-byte header length");
        }
        long n = seg.get(U64_LE, 0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new MalformedFileException(
                    file,
                    0,
                    "header length " + Long.toUnsignedString(n) + " exceeds the " + MAX_HEADER_BYTES
                            + "-byte limit (corrupt file or not safetensors)");
        }
        if (8 + n > size) {
            throw new MalformedFileException(
                    file,
                    0,
                    "header length " + n + " runs past the end of the file (" + size + " bytes, so at most "
                            + (size - 8) + " expected)");
        }
        byte[] bytes = seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
        requireUtf8(file, bytes);
        if (n == 0 || bytes[0] != '{') {
            throw new MalformedFileException(
                    file,
                    8,
                    "header must be a JSON object starting with '{', found "
                            + (n == 0 ? "an empty header" : "byte 0x" + Integer.toHexString(bytes[0] & 0xff)));
        }
        long dataStart = 8 + n;
        long dataSize = size - dataStart;
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(bytes)) {
            p.nextToken();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                long at = 8 + offset(p.currentTokenLocation());
                p.nextToken();
                JsonNode value = p.readValueAsTree();
                if (METADATA_KEY.equals(name)) metadata = metadata(file, at, value);
                else entries.add(entry(file, at, name, value, dataStart, dataSize));
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedFileException(
                        file,
                        8 + offset(p.currentTokenLocation()),
                        "expected the end of the header object, found " + p.currentToken());
            }
        } catch (JsonProcessingException e) {
            throw new MalformedFileException(
                    file, 8 + offset(e.getLocation()), "header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (MalformedFileException e) {
            throw e;
        } catch (IOException e) {
            throw new MalformedFileException(file, 8, "header could not be parsed: " + e.getMessage(), e);
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        requireTiling(file, entries, dataStart, dataSize);
        return new SafeTensorsHeader(List.copyOf(entries), Collections.unmodifiableMap(metadata), dataStart);
    }

    /** Rejects malformed UTF-8, naming the offset of the first bad byte. */
    private static void requireUtf8(Path file, byte[] bytes) throws MalformedFileException {
        CharsetDecoder d = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // decoded text is discarded (Jackson parses the bytes), so a small reused buffer suffices
        CharBuffer out = CharBuffer.allocate(8192);
        CoderResult r;
        while ((r = d.decode(in, out, true)).isOverflow()) out.clear();
        if (r.isError()) {
            throw new MalformedFileException(
                    file,
                    8 + in.position(),
                    "header is not valid UTF-8 (bad byte sequence of length " + r.length() + ")");
        }
    }

    private static long offset(JsonLocation loc) {
        return loc == null ? 0 : Math.max(0, loc.getByteOffset());
    }

    private static Map<String, String> metadata(Path file, long at, JsonNode value) throws MalformedFileException {
        if (!value.isObject()) {
            throw new MalformedFileException(
                    file, at, "__metadata__ must be an object of string values, found " + value.getNodeType());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw new MalformedFileException(
                        file,
                        at,
                        "__metadata__ value for '" + e.getKey() + "' must be a string, found "
                                + e.getValue().getNodeType());
            }
            m.put(e.getKey(), e.getValue().textValue());
        }
        return m;
    }

    private static Entry entry(Path file, long at, String name, JsonNode v, long dataStart, long dataSize)
            throws MalformedFileException {
        String where = "tensor '" + name + "': ";
        if (!v.isObject())
            throw new MalformedFileException(
                    file,
                    at,
                    where + "expected an object with dtype, shape and data_offsets, found " + v.getNodeType());
        JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
        if (dt == null || !dt.isTextual())
            throw new MalformedFileException(
                    file, at, where + "missing or non-string \"dtype\" (expected e.g. \"F32\")");
        if (sh == null || !sh.isArray())
            throw new MalformedFileException(file, at, where + "missing or non-array \"shape\" (expected e.g. [2, 3])");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new MalformedFileException(file, at, where + "missing \"data_offsets\" or not a [begin, end] pair");
        }
        SafeTensorsDType dtype = SafeTensorsDType.parse(dt.textValue());
        if (dtype == null) {
            throw new MalformedFileException(
                    file,
                    at,
                    where + "dtype " + dt.textValue() + " is not supported (Loupe reads "
                            + java.util.Arrays.toString(SafeTensorsDType.values()) + ")");
        }
        int[] shape = new int[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = sh.get(i);
            if (!s.isIntegralNumber() || !s.canConvertToLong())
                throw new MalformedFileException(file, at, where + "shape entry " + s + " is not an integer");
            long d = s.longValue();
            if (d < 0)
                throw new MalformedFileException(
                        file, at, where + "negative size " + d + " at dim " + i + " of shape " + sh);
            if (d > Integer.MAX_VALUE)
                throw new MalformedFileException(
                        file, at, where + "size " + d + " at dim " + i + " exceeds " + Integer.MAX_VALUE);
            shape[i] = (int) d;
            // checked, as the Python library's validation does: a product past 2^63 is refused even
            // when a later size is 0, rather than wrapping to a count that could match data_offsets
            long product = numel * d;
            if (d != 0 && (Math.multiplyHigh(numel, d) != 0 || product < 0)) {
                throw new MalformedFileException(
                        file,
                        at,
                        where + "shape " + sh + " has more elements than 2^63 (the product overflows at dim " + i
                                + ")");
            }
            numel = product;
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new MalformedFileException(
                    file, at, where + "shape " + sh + " has more elements than a CPU storage can hold");
        }
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = off.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw new MalformedFileException(
                        file, at, where + "data_offsets entry " + o + " is not a non-negative integer");
            }
            be[i] = o.longValue();
        }
        if (be[0] > be[1]) {
            throw new MalformedFileException(
                    file, at, where + "data_offsets [" + be[0] + ", " + be[1] + "] must satisfy begin <= end");
        }
        if (be[1] > dataSize) {
            throw new MalformedFileException(
                    file,
                    dataStart + be[0],
                    where + "data_offsets end " + be[1] + " runs past the data section of " + dataSize
                            + " bytes (file offset " + (dataStart + be[1]) + ")");
        }
        long expected = numel * dtype.byteSize;
        if (be[1] - be[0] != expected) {
            throw new MalformedFileException(
                    file,
                    dataStart + be[0],
                    where + "data_offsets [" + be[0] + ", " + be[1] + ") hold " + (be[1] - be[0]) + " bytes, expected "
                            + expected + " for " + dtype + " of shape " + sh);
        }
        return new Entry(name, dtype, shape, (int) numel, be[0], be[1], at);
    }

    /** The tensors, sorted by begin, must cover [0, dataSize) exactly once. */
    private static void requireTiling(Path file, List<Entry> sorted, long dataStart, long dataSize)
            throws MalformedFileException {
        long covered = 0;
        Entry last = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw new MalformedFileException(
                        file,
                        dataStart + e.begin(),
                        "tensor '" + e.name() + "' (data bytes [" + e.begin() + ", " + e.end() + ")) overlaps tensor '"
                                + last.name() + "' (data bytes [" + last.begin() + ", " + last.end() + "))");
            }
            if (e.begin() > covered) {
                throw new MalformedFileException(
                        file,
                        dataStart + covered,
                        "data bytes [" + covered + ", " + e.begin() + ") before tensor '" + e.name()
                                + "' belong to no tensor (safetensors requires the data section to be covered without holes)");
            }
            covered = e.end();
            last = e;
        }
        if (covered != dataSize) {
            throw new MalformedFileException(
                    file,
                    dataStart + covered,
                    "the last " + (dataSize - covered)
                            + " bytes of the data section belong to no tensor (expected the file to end at byte "
                            + (dataStart + covered)
                            + ", it has " + (dataStart + dataSize) + ")");
        }
    }
}
