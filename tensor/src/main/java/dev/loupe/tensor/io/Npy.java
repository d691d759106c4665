package dev.loupe.tensor.io;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Storage;
import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * NumPy's .npy format (numpy.lib.format): the magic {@code \x93NUMPY}, a version (1.0 with a u16
 * header length, 2.0 and 3.0 with a u32 one; 3.0 has a UTF-8 header), a Python dict literal header,
 * then the raw elements.
 *
 * <p>Reads little-endian {@code <f4 <f8 <i4 <i8} into F32 / F64 / I32 / I64, {@code |b1} into BOOL,
 * and {@code |u1} into I32 (Loupe has no unsigned byte type; I32 keeps 0..255 exactly, while BOOL
 * would collapse them). C order only. Bytes after the last element are ignored, as numpy does.
 * Malformed files raise a {@link MalformedFileException} that names the file, the byte offset and
 * what was expected.
 *
 * <p>Writes version 1.0 (2.0 only if the header outgrows 65535 bytes), with the header padded by
 * spaces and a newline so the data starts at a multiple of 64 bytes as numpy does. Views are written
 * in row-major order. The file appears atomically through {@link AtomicFile}: a temporary file in
 * the same folder is written, forced to disk and renamed over the target; a failed write (a full
 * disk) is a {@link FileWriteException} naming the file, and the previous file stays as it was.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int WRITE_CHUNK = 1 << 20;

    private Npy() {}

    /**
     * Reads a .npy file into a new contiguous CPU tensor.
     *
     * @throws MalformedFileException when the file breaks the format or uses an unsupported dtype or
     *     order; the message names the file, the byte offset and what was expected there
     */
    public static Tensor read(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined();
                FileChannel ch = SafeTensors.open(file, "a .npy file")) {
            long size = ch.size();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return read(file, seg);
        }
    }

    private static Tensor read(Path file, MemorySegment seg) throws IOException {
        long size = seg.byteSize();
        if (size < MAGIC.length
                || MemorySegment.mismatch(seg, 0, MAGIC.length, MemorySegment.ofArray(MAGIC), 0, MAGIC.length) != -1) {
            throw malformed(
                    file,
                    0,
                    "bad magic: expected the 6 bytes \\x93NUMPY that start every .npy file"
                            + (size < MAGIC.length ? " (the file has only " + size + " bytes)" : ""));
        }
        if (size < 8) throw malformed(file, 6, "file ends inside the 2-byte version");
        int major = Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, 6));
        int minor = Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, 7));
        if (major < 1 || major > 3 || minor != 0) {
            throw malformed(file, 6, "unsupported .npy version " + major + "." + minor + "; expected 1.0, 2.0 or 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        long headerStart = 8 + lengthBytes;
        if (size < headerStart) throw malformed(file, 8, "file ends inside the " + lengthBytes + "-byte header length");
        long headerLength = major == 1
                ? Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8))
                : Integer.toUnsignedLong(seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
        long dataStart = headerStart + headerLength;
        if (dataStart > size) {
            throw malformed(
                    file,
                    8,
                    "header length " + headerLength + " runs past the end of the file: the header would end at byte "
                            + dataStart + ", the file has " + size + " bytes");
        }
        byte[] headerBytes = seg.asSlice(headerStart, headerLength).toArray(ValueLayout.JAVA_BYTE);
        String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h;
        try {
            h = NpyHeader.parse(text);
        } catch (NpyHeader.ParseException e) {
            throw malformed(
                    file,
                    headerStart + byteOffset(text, e.position, major),
                    "unparsable header: " + e.getMessage() + "; header is " + quote(text));
        }
        long descrAt = headerStart + byteOffset(text, h.descrAt(), major);
        ElementType type = ElementType.forDescr(h.descr());
        if (type == null) {
            String d = h.descr();
            String fix = d.startsWith(">")
                    ? "big-endian descr '" + d + "' is not supported; save with arr.astype('<" + d.substring(1) + "')"
                    : "unsupported descr '" + d + "'; expected one of '<f4', '<f8', '<i4', '<i8', '|b1', '|u1'";
            throw malformed(file, descrAt, fix);
        }
        if (h.fortranOrder()) {
            throw malformed(
                    file,
                    headerStart + byteOffset(text, h.fortranAt(), major),
                    "fortran_order True is not supported (column-major data); save with np.ascontiguousarray(arr)");
        }
        // Saturates instead of overflowing, so that absurd shapes fail the length check below.
        long numel = 1, cap = Long.MAX_VALUE / 16;
        for (int d : h.shape()) numel = d == 0 || numel == 0 ? 0 : numel > cap / d ? cap : numel * d;
        long expected = numel * type.itemSize;
        long found = size - dataStart;
        if (numel == cap) {
            throw malformed(
                    file,
                    headerStart,
                    "shape " + Shape.format(h.shape()) + " has more than 2^59 elements (the file holds " + found
                            + " data bytes)");
        }
        if (found < expected) {
            throw malformed(
                    file,
                    dataStart,
                    "data too short: shape " + Shape.format(h.shape()) + " of '" + h.descr() + "' needs " + expected
                            + " bytes, found " + found);
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw malformed(
                    file,
                    headerStart,
                    "shape " + Shape.format(h.shape()) + " has " + numel + " elements, more than a CPU storage holds");
        }
        Storage storage = type.load(seg, dataStart, (int) numel);
        try {
            return Tensor.view(storage, h.shape(), Shape.contiguousStrides(h.shape()), 0);
        } catch (IllegalArgumentException e) {
            throw new MalformedFileException(
                    file,
                    headerStart,
                    "shape " + Shape.format(h.shape()) + " cannot be a Loupe tensor: " + e.getMessage(),
                    e);
        }
    }

    /** Writes {@code t} (a CPU tensor of any layout) to {@code file}, replacing it atomically. */
    public static void write(Path file, Tensor t) throws IOException {
        if (!(t.storage() instanceof CpuStorage)) {
            throw new IllegalArgumentException(
                    "Npy.write " + file + ": needs a host tensor, this one lives on " + t.device());
        }
        ElementType type = ElementType.forDType(t.dtype());
        Tensor c = t.contiguous();
        byte[] preamble = preamble(type.descr, c.sizes());
        AtomicFile.write(file, ch -> {
            AtomicFile.writeFully(ch, ByteBuffer.wrap(preamble));
            writeData(ch, type, (CpuStorage) c.storage(), c.offset(), c.numel());
        });
    }

    /** Magic, version, header length and the padded header; its length is a multiple of 64. */
    static byte[] preamble(String descr, int[] shape) {
        String dict = NpyHeader.format(descr, shape);
        int lengthBytes = alignUp(10 + dict.length() + 1) - 10 > 65535 ? 4 : 2;
        int fixed = 8 + lengthBytes;
        int total = alignUp(fixed + dict.length() + 1);
        int headerLength = total - fixed;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (lengthBytes == 2 ? 1 : 2)).put((byte) 0);
        if (lengthBytes == 2) b.putShort((short) headerLength);
        else b.putInt(headerLength);
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (b.position() < total - 1) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    private static int alignUp(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static void writeData(WritableByteChannel ch, ElementType type, CpuStorage s, int offset, int numel)
            throws IOException {
        int perChunk = Math.max(1, WRITE_CHUNK / type.itemSize);
        ByteBuffer buf = ByteBuffer.allocate(perChunk * type.itemSize);
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        for (int done = 0; done < numel; done += perChunk) {
            int n = Math.min(perChunk, numel - done);
            type.store(s, offset + done, seg, n);
            buf.clear().limit(n * type.itemSize);
            AtomicFile.writeFully(ch, buf);
        }
    }

    /** Byte offset of char {@code index} of the header text (they differ only in UTF-8 v3 headers). */
    private static long byteOffset(String text, int index, int major) {
        int i = Math.min(index, text.length());
        return major == 3 ? text.substring(0, i).getBytes(StandardCharsets.UTF_8).length : i;
    }

    private static String quote(String text) {
        String t = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return "\"" + t.replace("\n", "\\n") + "\"";
    }

    private static MalformedFileException malformed(Path file, long offset, String what) {
        return new MalformedFileException(file, offset, what);
    }

    /** The element encodings Loupe reads and writes, each with its little-endian layout. */
    private enum ElementType {
        F32("<f4", 4, DType.F32, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)),
        F64("<f8", 8, DType.F64, ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)),
        I32("<i4", 4, DType.I32, ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)),
        I64("<i8", 8, DType.I64, ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)),
        BOOL("|b1", 1, DType.BOOL, ValueLayout.JAVA_BYTE),
        /** Unsigned bytes, widened to I32 on read; never written. */
        U8("|u1", 1, DType.I32, ValueLayout.JAVA_BYTE);

        final String descr;
        final int itemSize;
        final DType dtype;
        final ValueLayout layout;

        ElementType(String descr, int itemSize, DType dtype, ValueLayout layout) {
            this.descr = descr;
            this.itemSize = itemSize;
            this.dtype = dtype;
            this.layout = layout;
        }

        static ElementType forDescr(String descr) {
            for (ElementType t : values()) if (t.descr.equals(descr)) return t;
            return null;
        }

        static ElementType forDType(DType dtype) {
            for (ElementType t : values()) if (t.dtype == dtype && t != U8) return t;
            throw new IllegalArgumentException("Npy: no .npy encoding for dtype " + dtype);
        }

        Storage load(MemorySegment seg, long at, int n) {
            return switch (this) {
                case F32 -> {
                    float[] a = new float[n];
                    MemorySegment.copy(seg, (ValueLayout.OfFloat) layout, at, a, 0, n);
                    yield CpuStorage.of(a);
                }
                case F64 -> {
                    double[] a = new double[n];
                    MemorySegment.copy(seg, (ValueLayout.OfDouble) layout, at, a, 0, n);
                    yield CpuStorage.of(a);
                }
                case I32 -> {
                    int[] a = new int[n];
                    MemorySegment.copy(seg, (ValueLayout.OfInt) layout, at, a, 0, n);
                    yield CpuStorage.of(a);
                }
                case I64 -> {
                    long[] a = new long[n];
                    MemorySegment.copy(seg, (ValueLayout.OfLong) layout, at, a, 0, n);
                    yield CpuStorage.of(a);
                }
                case BOOL -> {
                    byte[] a = new byte[n];
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at, a, 0, n);
                    // numpy stores True as 1, but any nonzero byte reads as True there too.
                    for (int i = 0; i < n; i++) a[i] = (byte) (a[i] != 0 ? 1 : 0);
                    yield CpuStorage.ofBool(a);
                }
                case U8 -> {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) a[i] = Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, at + i));
                    yield CpuStorage.of(a);
                }
            };
        }

        /** Copies n elements of {@code s} from {@code from} into {@code dst} little-endian. */
        void store(CpuStorage s, int from, MemorySegment dst, int n) {
            switch (this) {
                case F32 -> MemorySegment.copy(s.f32(), from, dst, (ValueLayout.OfFloat) layout, 0, n);
                case F64 -> MemorySegment.copy(s.f64(), from, dst, (ValueLayout.OfDouble) layout, 0, n);
                case I32 -> MemorySegment.copy(s.i32(), from, dst, (ValueLayout.OfInt) layout, 0, n);
                case I64 -> MemorySegment.copy(s.i64(), from, dst, (ValueLayout.OfLong) layout, 0, n);
                case BOOL -> MemorySegment.copy(s.bool(), from, dst, ValueLayout.JAVA_BYTE, 0, n);
                case U8 -> throw new IllegalStateException("|u1 is read-only");
            }
        }
    }
}
