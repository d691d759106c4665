package dev.loupe.data.fuzz;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import dev.loupe.tensor.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small valid files of each format the fuzzer mutates, written by Loupe's writers or commons-compress. */
final class FuzzSeeds {
    private FuzzSeeds() {}

    static List<byte[]> safetensors(Path work) throws IOException {
        Map<String, Tensor> a = new LinkedHashMap<>();
        a.put("w", Tensor.of(new float[] {1, -2, 3.5f, 0, 7, 8}, 2, 3));
        a.put("steps", Tensor.ofLongs(new long[] {1, 2, 3, 4}));
        a.put("mask", Tensor.view(CpuStorage.ofBool(new byte[] {1, 0, 1}), new int[] {3}, new int[] {1}, 0));
        a.put("scale", Tensor.view(CpuStorage.of(new double[] {0.5}), new int[0], new int[0], 0));
        a.put("none", Tensor.zeros(0, 3));
        Path f = work.resolve("seed.safetensors");
        SafeTensors.write(f, a, Map.of("format", "pt", "step", "12"));
        byte[] written = Files.readAllBytes(f);
        // the dtypes Loupe reads but never writes
        String json =
                "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"BF16\",\"shape\":[1,1],"
                        + "\"data_offsets\":[4,6]},\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[6,8]},\"i\":{\"dtype\":\"I32\","
                        + "\"shape\":[2],\"data_offsets\":[8,16]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length)
                .put(h)
                .putShort((short) 0x3c00)
                .putShort((short) 0xc000)
                .putShort((short) 0x3f80)
                .put((byte) 7)
                .put((byte) 250)
                .putInt(-5)
                .putInt(9);
        return List.of(written, b.array());
    }

    static List<byte[]> npy(Path work) throws IOException {
        Path f = work.resolve("seed.npy");
        Npy.write(f, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        byte[] f32 = Files.readAllBytes(f);
        Npy.write(f, Tensor.ofLongs(new long[] {-1, 0, 1, Long.MAX_VALUE, 5}));
        byte[] i64 = Files.readAllBytes(f);
        Npy.write(f, Tensor.view(CpuStorage.ofBool(new byte[] {1, 0, 0, 1}), new int[] {2, 2}, new int[] {2, 1}, 0));
        byte[] bool = Files.readAllBytes(f);
        return List.of(
                f32,
                i64,
                bool,
                npyV3("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", new byte[] {0, 127, (byte) 255}),
                npyV3("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", new byte[8]));
    }

    /** A version 3.0 file (u32 header length, UTF-8 header), which Loupe reads but does not write. */
    private static byte[] npyV3(String header, byte[] data) {
        byte[] h = (header + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0})
                .putInt(h.length)
                .put(h)
                .put(data);
        return b.array();
    }

    static List<byte[]> idx() throws IOException {
        byte[] pixels = new byte[3 * 4 * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) (i * 37);
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.put(new byte[] {0, 0, 8, 3}).putInt(3).putInt(4).putInt(4).put(pixels);
        return List.of(b.array());
    }

    /** Shards (uncompressed) with images, captions, JSON and labels; pax and GNU long names, a pax size record. */
    static List<byte[]> tar() throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("000001.png", png());
        members.put("000001.txt", "a red square".getBytes(StandardCharsets.UTF_8));
        members.put("000001.cls", "3".getBytes(StandardCharsets.UTF_8));
        members.put("000002.png", png());
        members.put("000002.json", "{\"caption\": \"two blue circles\"}".getBytes(StandardCharsets.UTF_8));
        members.put("dir/" + "a-long-sample-key-".repeat(6) + "3.png", png());
        members.put(
                "dir/" + "a-long-sample-key-".repeat(6) + "3.txt", "a green triangle".getBytes(StandardCharsets.UTF_8));
        byte[] pax = tar(members, TarArchiveOutputStream.LONGFILE_POSIX);
        byte[] gnu = tar(members, TarArchiveOutputStream.LONGFILE_GNU);
        return List.of(pax, gnu);
    }

    private static byte[] tar(Map<String, byte[]> members, int longFileMode) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(longFileMode);
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(m.getKey());
                entry.setSize(m.getValue().length);
                // a pax size record as well, as tar writes for members over 8 GiB
                if (m.getKey().endsWith(".cls")) entry.addPaxHeader("size", Integer.toString(m.getValue().length));
                tar.putArchiveEntry(entry);
                tar.write(m.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return out.toByteArray();
    }

    private static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0xff0000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }
}
