package dev.loupe.data.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Reads the member headers of a tar archive (POSIX ustar with prefix, GNU long names, pax
 * {@code path}/{@code size} records), recording where each regular file's data starts and how long
 * it is, and reading the data only of members the caller wants kept. Header checksums are verified.
 * An archive that ends inside a header or a member's data is an error naming the shard and the byte
 * offset where it ends; an archive that ends on a header boundary without the two zero blocks is
 * accepted (such files are common and every member in them is whole).
 */
final class TarScanner {
    static final int BLOCK = 512;

    /** A regular file in the archive; data is null unless the caller asked to keep it. */
    record Member(String name, long dataOffset, long size, byte[] data) {}

    /** A sequential byte source that knows its position. */
    interface Input {
        /** Reads up to n bytes into b from index off; fewer only at the end of the archive. */
        int readFully(byte[] b, int off, int n) throws IOException;

        /** Skips up to n bytes; fewer only at the end of the archive. */
        long skip(long n) throws IOException;

        long position();
    }

    private TarScanner() {}

    /**
     * Every regular member of the archive in order.
     *
     * @param keep (name, size) -> whether to read that member's data into memory
     */
    static List<Member> scan(Input in, String shard, BiPredicate<String, Long> keep) throws IOException {
        List<Member> members = new ArrayList<>();
        byte[] header = new byte[BLOCK];
        String longName = null;
        String paxPath = null;
        long paxSize = -1;
        while (true) {
            long at = in.position();
            int got = in.readFully(header, 0, BLOCK);
            if (got == 0) break;
            if (got < BLOCK) throw truncated(shard, at + got, "inside the member header that starts at offset " + at);
            if (isZero(header)) break;
            verifyChecksum(header, shard, at);
            char type = (char) header[156];
            long size = paxSize >= 0 ? paxSize : TarHeaderFields.size(header, shard, at);
            String name = longName != null ? longName : paxPath != null ? paxPath : TarHeaderFields.name(header);
            long dataAt = in.position();
            long padding = (BLOCK - size % BLOCK) % BLOCK;
            switch (type) {
                case 'L' -> {
                    longName = TarHeaderFields.cString(read(in, size, shard, name, dataAt), 0, (int) size);
                    skip(in, padding, shard, name, dataAt);
                }
                case 'x' -> {
                    for (String[] kv : TarHeaderFields.paxRecords(read(in, size, shard, name, dataAt), shard, at)) {
                        if (kv[0].equals("path")) paxPath = kv[1];
                        if (kv[0].equals("size")) paxSize = TarHeaderFields.paxSize(kv[1], shard, at);
                    }
                    skip(in, padding, shard, name, dataAt);
                }
                default -> {
                    boolean regular = type == '0' || type == '\0' || type == '7';
                    byte[] data = null;
                    if (regular && keep.test(name, size)) data = read(in, size, shard, name, dataAt);
                    else skip(in, size, shard, name, dataAt);
                    skip(in, padding, shard, name, dataAt);
                    if (regular) members.add(new Member(name, dataAt, size, data));
                    longName = null;
                    paxPath = null;
                    paxSize = -1;
                }
            }
        }
        return members;
    }

    private static byte[] read(Input in, long size, String shard, String member, long dataAt) throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                    "tar shard " + shard + ": member '" + member + "' of " + size + " bytes is too large to read");
        }
        // grown as the bytes arrive, so a corrupt size costs no more memory than the archive holds
        byte[] data = new byte[(int) Math.min(size, 1 << 20)];
        int filled = 0;
        while (filled < size) {
            if (filled == data.length) data = Arrays.copyOf(data, (int) Math.min(size, 2L * data.length));
            int got = in.readFully(data, filled, data.length - filled);
            filled += got;
            if (filled < data.length) throw truncated(shard, dataAt + filled, dataMessage(member, dataAt, size));
        }
        return data;
    }

    private static void skip(Input in, long n, String shard, String member, long dataAt) throws IOException {
        long got = in.skip(n);
        if (got < n) throw truncated(shard, in.position(), dataMessage(member, dataAt, n));
    }

    private static String dataMessage(String member, long dataAt, long size) {
        return "inside member '" + member + "' (data at offset " + dataAt + ", " + size + " bytes)";
    }

    private static IllegalArgumentException truncated(String shard, long offset, String where) {
        return new IllegalArgumentException(
                "tar shard " + shard + " is truncated: it ends at byte offset " + offset + " " + where);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) if (b != 0) return false;
        return true;
    }

    /** The stored checksum must equal the byte sum with the checksum field read as spaces (unsigned or, for old tars, signed). */
    private static void verifyChecksum(byte[] header, String shard, long at) {
        long stored = TarHeaderFields.octal(header, 148, 8, shard, at, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = (i >= 148 && i < 156) ? ' ' : header[i];
            unsigned += b & 0xFF;
            signed += (byte) b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IllegalArgumentException("tar shard " + shard + ": bad header checksum at byte offset " + at
                    + " (stored " + stored + ", computed " + unsigned + "); the file is corrupt or not a tar archive");
        }
    }

    /** A file read with positional reads; skipping past the end stops at the file size. */
    static Input of(FileChannel channel) throws IOException {
        long length = channel.size();
        return new Input() {
            private long pos;

            @Override
            public int readFully(byte[] b, int off, int n) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, n);
                while (buf.hasRemaining()) {
                    if (channel.read(buf, pos + buf.position() - off) < 0) break;
                }
                int got = buf.position() - off;
                pos += got;
                return got;
            }

            @Override
            public long skip(long n) {
                long step = Math.min(n, length - pos);
                pos += step;
                return step;
            }

            @Override
            public long position() {
                return pos;
            }
        };
    }

    /** A stream (a decompressed .tar.gz) read in order. */
    static Input of(InputStream stream) {
        return new Input() {
            private long pos;
            private final byte[] scratch = new byte[64 * 1024];

            @Override
            public int readFully(byte[] b, int off, int n) throws IOException {
                int got = stream.readNBytes(b, off, n);
                pos += got;
                return got;
            }

            @Override
            public long skip(long n) throws IOException {
                long done = 0;
                while (done < n) {
                    int r = stream.read(scratch, 0, (int) Math.min(scratch.length, n - done));
                    if (r < 0) break;
                    done += r;
                }
                pos += done;
                return done;
            }

            @Override
            public long position() {
                return pos;
            }
        };
    }
}
