package dev.loupe.tensor.io;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors bytes with ordinary channel writes. To a file, through {@link AtomicFile}: a
 * temporary file in the target's folder, flushed to disk and renamed over the target. A crash leaves
 * either the old checkpoint or the new one, never a torn file, and a full disk is a
 * {@link FileWriteException} naming the file, with the temporary file removed.
 *
 * <p>Layout: tensors in map order, packed without gaps; the JSON header is padded with spaces so the
 * data section starts at a multiple of 8 bytes, as the Python library does.
 */
final class SafeTensorsWriter {
    private static final JsonMapper JSON = new JsonMapper();
    /** Tensor bytes go out through a buffer of this size (a multiple of every element size). */
    private static final int WRITE_CHUNK = 1 << 20;
    /** The smallest magnitude F16 rounds to infinity: halfway between its largest value 65504 and 65536. */
    private static final float HALF_OVERFLOW = 65520f;

    /** A tensor ready to store: contiguous, on the host, with its place in the data section. */
    private record Part(String name, SafeTensorsDType dtype, Tensor data, long begin, long end) {}

    private final byte[] header;
    private final List<Part> parts;

    /**
     * Checks every tensor and builds the header; {@code where} names the destination in errors. With
     * {@code half}, F32 tensors are stored as F16.
     */
    private SafeTensorsWriter(String where, Map<String, Tensor> tensors, Map<String, String> metadata, boolean half)
            throws IOException {
        ObjectNode json = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = json.putObject("__metadata__");
            metadata.forEach((k, v) -> {
                if (k == null || v == null)
                    throw new IllegalArgumentException("safetensors metadata of " + where + " has a null key or value");
            });
            // keys sorted: the same metadata gives the same bytes whatever map the caller built it in
            new TreeMap<>(metadata).forEach(m::put);
        }
        List<Part> list = new ArrayList<>();
        long at = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Part p = part(where, e.getKey(), e.getValue(), at, half);
            list.add(p);
            at = p.end();
            ObjectNode entry = json.putObject(p.name());
            entry.put("dtype", p.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (int d : p.data().sizes()) shape.add(d);
            entry.putArray("data_offsets").add(p.begin()).add(p.end());
        }
        this.header = JSON.writeValueAsBytes(json);
        this.parts = list;
    }

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, boolean half)
            throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter(file.toString(), tensors, metadata, half);
        AtomicFile.write(file, w::writeTo);
    }

    static void write(WritableByteChannel ch, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        new SafeTensorsWriter("channel", tensors, metadata, false).writeTo(ch);
    }

    private void writeTo(WritableByteChannel ch) throws IOException {
        int headerLength = (header.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(headerLength).put(header);
        while (head.hasRemaining()) head.put((byte) ' ');
        AtomicFile.writeFully(ch, head.flip());
        ByteBuffer chunk = ByteBuffer.allocate(WRITE_CHUNK);
        for (Part p : parts) writeData(ch, p, chunk);
    }

    /** a[from, from + n) rounded to F16 bit patterns (round to nearest even, as numpy's astype). */
    private static short[] halves(float[] a, int from, int n) {
        short[] h = new short[n];
        for (int i = 0; i < n; i++) h[i] = Float.floatToFloat16(a[from + i]);
        return h;
    }

    /** Refuses a finite value that F16 cannot hold (|x| > 65504 rounds to infinity), naming it. */
    private static void checkHalfRange(String where, String name, Tensor c) {
        float[] a = ((CpuStorage) c.storage()).f32();
        for (int i = 0, from = c.offset(); i < c.numel(); i++) {
            float x = a[from + i];
            if (Float.isFinite(x) && Math.abs(x) >= HALF_OVERFLOW)
                throw new IllegalArgumentException("safetensors " + where + ": tensor '" + name + "' element " + i
                        + " is " + x + ", beyond F16's range (|x| <= 65504); store it as F32");
        }
    }

    private static Part part(String where, String name, Tensor t, long begin, boolean half) {
        if (name == null || name.equals("__metadata__")) {
            throw new IllegalArgumentException("safetensors " + where + ": '" + name + "' cannot name a tensor");
        }
        if (t == null) throw new IllegalArgumentException("safetensors " + where + ": tensor '" + name + "' is null");
        SafeTensorsDType dtype = half && t.dtype() == DType.F32 ? SafeTensorsDType.F16 : SafeTensorsDType.of(t.dtype());
        Tensor c = t.cpu().contiguous(); // a device tensor is brought to the host first
        if (dtype == SafeTensorsDType.F16) checkHalfRange(where, name, c);
        return new Part(name, dtype, c, begin, begin + (long) c.numel() * dtype.byteSize);
    }

    /** Row-major elements of a contiguous host tensor, little-endian, through {@code chunk}. */
    private static void writeData(WritableByteChannel ch, Part p, ByteBuffer chunk) throws IOException {
        CpuStorage s = (CpuStorage) p.data().storage();
        int numel = p.data().numel(), from = p.data().offset();
        Object array =
                switch (p.dtype()) {
                    case F32 -> s.f32();
                    case F64 -> s.f64();
                    case I32 -> s.i32();
                    case I64 -> s.i64();
                    case BOOL -> s.bool();
                    case F16 -> halves(s.f32(), from, numel);
                    default -> throw new IllegalStateException("Loupe never writes " + p.dtype());
                };
        if (p.dtype() == SafeTensorsDType.F16) from = 0;
        ValueLayout layout = SafeTensors.layoutOf(p.dtype());
        int itemSize = p.dtype().byteSize;
        int perChunk = chunk.capacity() / itemSize;
        MemorySegment seg = MemorySegment.ofBuffer(chunk.clear());
        for (int done = 0; done < numel; done += perChunk) {
            int n = Math.min(perChunk, numel - done);
            MemorySegment.copy(array, from + done, seg, layout, 0, n);
            chunk.clear().limit(n * itemSize);
            AtomicFile.writeFully(ch, chunk);
        }
    }
}
