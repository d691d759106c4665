package dev.loupe.tensor.io;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.tensor.CpuStorage;
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

    /** A tensor ready to store: contiguous, on the host, with its place in the data section. */
    private record Part(String name, SafeTensorsDType dtype, Tensor data, long begin, long end) {}

    private final byte[] header;
    private final List<Part> parts;

    /** Checks every tensor and builds the header; {@code where} names the destination in errors. */
    private SafeTensorsWriter(String where, Map<String, Tensor> tensors, Map<String, String> metadata)
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
            Part p = part(where, e.getKey(), e.getValue(), at);
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

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter(file.toString(), tensors, metadata);
        AtomicFile.write(file, w::writeTo);
    }

    static void write(WritableByteChannel ch, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        new SafeTensorsWriter("channel", tensors, metadata).writeTo(ch);
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

    private static Part part(String where, String name, Tensor t, long begin) {
        if (name == null || name.equals("__metadata__")) {
            throw new IllegalArgumentException("safetensors " + where + ": '" + name + "' cannot name a tensor");
        }
        if (t == null) throw new IllegalArgumentException("safetensors " + where + ": tensor '" + name + "' is null");
        SafeTensorsDType dtype = SafeTensorsDType.of(t.dtype());
        Tensor c = t.cpu().contiguous(); // a device tensor is brought to the host first
        return new Part(name, dtype, c, begin, begin + (long) c.numel() * dtype.byteSize);
    }

    /** Row-major elements of a contiguous host tensor, little-endian, through {@code chunk}. */
    private static void writeData(WritableByteChannel ch, Part p, ByteBuffer chunk) throws IOException {
        CpuStorage s = (CpuStorage) p.data().storage();
        Object array =
                switch (p.dtype()) {
                    case F32 -> s.f32();
                    case F64 -> s.f64();
                    case I32 -> s.i32();
                    case I64 -> s.i64();
                    case BOOL -> s.bool();
                    default -> throw new IllegalStateException("Loupe never writes " + p.dtype());
                };
        ValueLayout layout = SafeTensors.layoutOf(p.dtype());
        int itemSize = p.dtype().byteSize;
        int perChunk = chunk.capacity() / itemSize;
        MemorySegment seg = MemorySegment.ofBuffer(chunk.clear());
        int numel = p.data().numel(), from = p.data().offset();
        for (int done = 0; done < numel; done += perChunk) {
            int n = Math.min(perChunk, numel - done);
            MemorySegment.copy(array, from + done, seg, layout, 0, n);
            chunk.clear().limit(n * itemSize);
            AtomicFile.writeFully(ch, chunk);
        }
    }
}
