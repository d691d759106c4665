package dev.loupe.tensor.io;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file atomically: the bytes go to a temporary file in the target's folder
 * (same file system, so the rename is atomic), which is flushed to disk and then renamed over the
 * target. A crash leaves either the old checkpoint or the new one, never a torn file.
 *
 * <p>Layout: tensors in map order, packed without gaps; the JSON header is padded with spaces so the
 * data section starts at a multiple of 8 bytes, as the Python library does.
 */
final class SafeTensorsWriter {
    private static final JsonMapper JSON = new JsonMapper();

    private SafeTensorsWriter() {}

    /** A tensor ready to store: contiguous, on the host, with its place in the data section. */
    private record Part(String name, SafeTensorsDType dtype, Tensor data, long begin, long end) {}

    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach((k, v) -> {
                if (k == null || v == null) throw new IllegalArgumentException("safetensors metadata of " + file + " has a null key or value");
                m.put(k, v);
            });
        }
        List<Part> parts = new ArrayList<>();
        long at = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Part p = part(file, e.getKey(), e.getValue(), at);
            parts.add(p);
            at = p.end();
            ObjectNode entry = header.putObject(p.name());
            entry.put("dtype", p.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (int d : p.data().sizes()) shape.add(d);
            entry.putArray("data_offsets").add(p.begin()).add(p.end());
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int headerLength = (json.length + 7) / 8 * 8;
        long dataStart = 8 + headerLength;

        long size = dataStart + at;
        AtomicFile.write(file, ch -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = ch.map(MapMode.READ_WRITE, 0, size, arena);
                seg.set(SafeTensorsHeader.U64_LE, 0, headerLength);
                MemorySegment.copy(json, 0, seg, ValueLayout.JAVA_BYTE, 8, json.length);
                seg.asSlice(8 + json.length, headerLength - json.length).fill((byte) ' ');
                for (Part p : parts) copyData(p, seg, dataStart + p.begin());
                seg.force();
            }
        });
    }

    private static Part part(Path file, String name, Tensor t, long begin) {
        if (name == null || name.equals("__metadata__")) {
            throw new IllegalArgumentException("safetensors " + file + ": '" + name + "' cannot name a tensor");
        }
        if (t == null) throw new IllegalArgumentException("safetensors " + file + ": tensor '" + name + "' is null");
        SafeTensorsDType dtype = SafeTensorsDType.of(t.dtype());
        Tensor c = t.cpu().contiguous();   // a device tensor is brought to the host first
        return new Part(name, dtype, c, begin, begin + (long) c.numel() * dtype.byteSize);
    }

    /** Row-major elements of a contiguous host tensor, little-endian, at {@code at}. */
    private static void copyData(Part p, MemorySegment seg, long at) {
        CpuStorage s = (CpuStorage) p.data().storage();
        Object array = switch (p.dtype()) {
            case F32 -> s.f32();
            case F64 -> s.f64();
            case I32 -> s.i32();
            case I64 -> s.i64();
            case BOOL -> s.bool();
            default -> throw new IllegalStateException("Loupe never writes " + p.dtype());
        };
        MemorySegment.copy(array, p.data().offset(), seg, SafeTensors.layoutOf(p.dtype()), at, p.data().numel());
    }
}
