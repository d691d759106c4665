package dev.loupe.tensor.io;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Storage;
import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes safetensors files, the checkpoint format shared with PyTorch, timm and
 * Hugging Face: an 8-byte little-endian header length, a JSON header
 * ({@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, "__metadata__": {...}}})
 * and the raw little-endian tensor bytes.
 *
 * <p>Reading maps the file through FFM, validates the whole header first (see
 * {@link SafeTensorsHeader}) and then copies each tensor into heap storage. Loaded dtypes: F32, F64,
 * I32, I64 and BOOL as themselves; F16 and BF16 widen to F32; U8 widens to I32. Any other dtype,
 * and every inconsistency, raises a {@link MalformedFileException} naming the file, the byte offset,
 * the tensor and what was expected.
 *
 * <p>Writing stores F32 (or F16 with {@link #writeHalf}), F64, I32, I64 and BOOL tensors in the order the map gives them (a
 * LinkedHashMap keeps a module's parameter order; the Python library sorts instead, and both read
 * each other's files), atomically: see {@link SafeTensorsWriter}.
 */
public final class SafeTensors {
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SafeTensors() {}

    /** The tensors of {@code file} by name, in the order their data appears in the file. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return readFile(file).tensors();
    }

    /** Tensors and {@code __metadata__} of {@code file}. */
    public static SafeTensorsFile readFile(Path file) throws IOException {
        try (FileChannel ch = open(file);
                Arena arena = Arena.ofConfined()) {
            MemorySegment seg = map(ch, arena);
            SafeTensorsHeader header = SafeTensorsHeader.parse(file, seg);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (SafeTensorsHeader.Entry e : header.entries())
                tensors.put(e.name(), decode(seg, header.dataStart() + e.begin(), e));
            return new SafeTensorsFile(tensors, header.metadata());
        }
    }

    /** Only the {@code __metadata__} map (the header is still fully validated; no tensor data is read). */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel ch = open(file);
                Arena arena = Arena.ofConfined()) {
            return SafeTensorsHeader.parse(file, map(ch, arena)).metadata();
        }
    }

    /** Writes {@code tensors} with no metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} (host tensors of any layout; non-contiguous ones are stored in row-major
     * order) and {@code metadata} (may be null or empty) atomically: a reader sees the old file or the
     * complete new one, never a partial write.
     *
     * @throws FileWriteException when the write fails (a full disk: "No space left on device while
     *     writing FILE"); the temporary file is removed and an existing {@code file} is left as it was
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter.write(file, tensors, metadata == null ? Map.of() : metadata, false);
    }

    /**
     * {@link #write(Path, Map, Map)} with every F32 tensor stored as F16 (IEEE half, rounded to nearest
     * even as numpy's {@code astype(float16)}; about 3 significant digits, half the bytes), the others as
     * they are. Reading the file gives F32 tensors holding exactly the rounded values, and writing those
     * again gives the same bytes.
     *
     * @throws IllegalArgumentException naming the tensor, the element and its value when a finite value
     *     lies beyond F16's range (|x| > 65504); nothing is written then
     */
    public static void writeHalf(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        SafeTensorsWriter.write(file, tensors, metadata == null ? Map.of() : metadata, true);
    }

    /**
     * Streams {@code tensors} and {@code metadata} (may be null or empty) as safetensors bytes to
     * {@code out}, with ordinary writes (a socket, an in-memory buffer, a file the caller manages).
     */
    public static void write(WritableByteChannel out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        SafeTensorsWriter.write(out, tensors, metadata == null ? Map.of() : metadata);
    }

    private static FileChannel open(Path file) throws IOException {
        return open(file, "a safetensors file");
    }

    /**
     * Opens {@code file} for reading; a directory or a missing file is named with what is wrong
     * ({@code kind} says what was expected, e.g. "a .npy file").
     */
    static FileChannel open(Path file, String kind) throws IOException {
        if (Files.isDirectory(file)) throw new FileSystemException(file.toString(), null, "a directory, not " + kind);
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
    }

    private static MemorySegment map(FileChannel ch, Arena arena) throws IOException {
        return ch.map(MapMode.READ_ONLY, 0, ch.size(), arena);
    }

    /** Copies one validated tensor out of the mapping; {@code at} is its file offset. */
    private static Tensor decode(MemorySegment seg, long at, SafeTensorsHeader.Entry e) {
        int n = e.numel();
        Storage s =
                switch (e.dtype()) {
                    case F32 -> {
                        float[] a = new float[n];
                        MemorySegment.copy(seg, F32_LE, at, a, 0, n);
                        yield CpuStorage.of(a);
                    }
                    case F64 -> {
                        double[] a = new double[n];
                        MemorySegment.copy(seg, F64_LE, at, a, 0, n);
                        yield CpuStorage.of(a);
                    }
                    case I32 -> {
                        int[] a = new int[n];
                        MemorySegment.copy(seg, I32_LE, at, a, 0, n);
                        yield CpuStorage.of(a);
                    }
                    case I64 -> {
                        long[] a = new long[n];
                        MemorySegment.copy(seg, I64_LE, at, a, 0, n);
                        yield CpuStorage.of(a);
                    }
                    case F16 -> {
                        short[] h = halves(seg, at, n);
                        float[] a = new float[n];
                        for (int i = 0; i < n; i++) a[i] = Float.float16ToFloat(h[i]);
                        yield CpuStorage.of(a);
                    }
                    case BF16 -> {
                        // bfloat16 is the upper half of an IEEE float: the shift drops the sign-extended bits
                        short[] h = halves(seg, at, n);
                        float[] a = new float[n];
                        for (int i = 0; i < n; i++) a[i] = Float.intBitsToFloat(h[i] << 16);
                        yield CpuStorage.of(a);
                    }
                    case BOOL -> {
                        byte[] a = seg.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
                        // Loupe's BOOL holds exactly 0 or 1; any non-zero byte is true, as in numpy
                        for (int i = 0; i < n; i++) a[i] = (byte) (a[i] != 0 ? 1 : 0);
                        yield CpuStorage.ofBool(a);
                    }
                    case U8 -> {
                        byte[] b = seg.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
                        int[] a = new int[n];
                        for (int i = 0; i < n; i++) a[i] = b[i] & 0xff;
                        yield CpuStorage.of(a);
                    }
                };
        return Tensor.view(s, e.shape(), Shape.contiguousStrides(e.shape()), 0);
    }

    private static short[] halves(MemorySegment seg, long at, int n) {
        short[] h = new short[n];
        MemorySegment.copy(seg, I16_LE, at, h, 0, n);
        return h;
    }

    static ValueLayout layoutOf(SafeTensorsDType t) {
        return switch (t) {
            case F32 -> F32_LE;
            case F64 -> F64_LE;
            case I32 -> I32_LE;
            case I64 -> I64_LE;
            case F16, BF16 -> I16_LE;
            case BOOL, U8 -> ValueLayout.JAVA_BYTE;
        };
    }
}
