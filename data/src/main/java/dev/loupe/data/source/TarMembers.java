package dev.loupe.data.source;

import dev.loupe.data.io.CountingInput;
import dev.loupe.data.io.GzipInput;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The regular members of a tar shard, read by commons-compress (ustar prefixes, GNU long names, pax
 * path and size records, base-256 sizes), with Loupe's errors on top: every failure is an
 * IllegalArgumentException naming the shard, the byte offset and, where there is one, the member and
 * the size its header claims. Each member's header checksum is verified (not those of the pax and
 * long-name headers before it, which the library does not expose). An archive that ends inside a header or
 * a member's data is an error saying where it ends; one that ends on a header boundary without the
 * two zero blocks is accepted (such files are common and every member in them is whole).
 *
 * <p>A plain shard is listed with {@link TarFile}, which seeks past member data. When TarFile refuses
 * the file, or its end is not where whole blocks would put it, the file is read again in order by
 * {@link #read}, which tells where and why; that sequential reader is also the one for .tar.gz.
 */
final class TarMembers {
    private static final int BLOCK = TarConstants.DEFAULT_RCDSIZE;
    private static final String ENCODING = "UTF-8";

    /** A regular file in the archive; data is null unless the caller asked to keep it. */
    record Member(String name, long dataOffset, long size, byte[] data) {}

    private TarMembers() {}

    /**
     * Every regular member of the uncompressed shard, in order.
     *
     * @param keep (name, size) -> whether to read that member's data into memory
     */
    static List<Member> list(Path shard, BiPredicate<String, Long> keep) {
        List<Member> members = new ArrayList<>();
        boolean recheck = false;
        long next = 0;
        // lenient: mode, owner and time fields are not used, so odd values in them are no reason to refuse a shard
        try (PositionalChannel channel = new PositionalChannel(FileChannel.open(shard, StandardOpenOption.READ));
                TarFile tar = new TarFile(channel, TarConstants.DEFAULT_BLKSIZE, BLOCK, ENCODING, true)) {
            long fileSize = channel.size();
            for (TarArchiveEntry e : tar.getEntries()) {
                recheck |= !e.isCheckSumOK();
                next = e.getDataOffset() + e.getSize() + (e.isDirectory() ? 0 : padding(e.getSize()));
                if (!isRegular(e)) continue;
                byte[] data = null;
                if (keep.test(e.getName(), e.getSize())) {
                    try (InputStream in = tar.getInputStream(e)) {
                        data = readData(in, e.getSize(), shard.toString(), e.getName(), e.getDataOffset());
                    }
                }
                members.add(new Member(e.getName(), e.getDataOffset(), e.getSize(), data));
            }
            // TarFile reads a header cut short as the end of the archive: a length off the block grid says look closer
            recheck |= (fileSize - Math.min(next, fileSize)) % BLOCK != 0;
        } catch (IOException e) {
            readInOrder(shard, keep); // throws the located error; should it find none, TarFile's stands
            throw new IllegalArgumentException(
                    "tar shard " + shard + ": " + describe(e) + "; the file is corrupt or not a tar archive", e);
        }
        return recheck ? readInOrder(shard, keep) : members;
    }

    private static List<Member> readInOrder(Path shard, BiPredicate<String, Long> keep) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(shard), 1 << 16)) {
            return read(in, shard.toString(), keep);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read tar shard " + shard + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every regular member of the archive in {@code archive} (plain or decompressed), read in order.
     * Failures of the source are errors too, with the byte offset reached: a {@link
     * GzipInput.CorruptException} of a .tar.gz, a disk error.
     *
     * @param keep (name, size) -> whether to read that member's data into memory
     */
    static List<Member> read(InputStream archive, String shard, BiPredicate<String, Long> keep) {
        CountingInput in = new CountingInput(archive);
        List<Member> members = new ArrayList<>();
        Where where = new Where();
        CutHeaderCheck tar = new CutHeaderCheck(in);
        try (tar) {
            while (true) {
                TarArchiveEntry e = tar.getNextEntry();
                if (e == null) return members;
                long dataAt = tar.getBytesRead();
                if (!e.isCheckSumOK()) {
                    throw new IllegalArgumentException("tar shard " + shard + ": bad header checksum at byte offset "
                            + (dataAt - BLOCK) + " (member '" + e.getName()
                            + "'); the file is corrupt or not a tar archive");
                }
                where.member(e.getName(), dataAt, e.getSize(), e.isDirectory());
                if (!isRegular(e)) continue;
                byte[] data = keep.test(e.getName(), e.getSize())
                        ? readData(tar, e.getSize(), shard, e.getName(), dataAt)
                        : null;
                members.add(new Member(e.getName(), dataAt, e.getSize(), data));
            }
        } catch (IOException e) {
            if (in.threw(e) && e instanceof GzipInput.CorruptException) {
                throw new IllegalArgumentException(
                        "tar shard " + shard
                                + ": the gzip stream is truncated or corrupt after decompressed byte offset "
                                + in.count()
                                + " (" + e.getMessage() + ")",
                        e);
            }
            if (in.threw(e)) {
                throw new IllegalArgumentException(
                        "cannot read tar shard " + shard + " at byte offset " + in.count() + ": " + e.getMessage(), e);
            }
            throw where.failure(e, in.ended() && !tar.endBlockSeen ? in.count() : -1, shard);
        }
    }

    /** Where the sequential read is: the last member's data and where the next header starts. */
    private static final class Where {
        private String name;
        private long dataAt;
        private long size;
        private long next;

        void member(String name, long dataAt, long size, boolean directory) {
            this.name = name;
            this.dataAt = dataAt;
            this.size = size;
            // a directory's size is not skipped by the reader, whatever its header says
            this.next = directory ? dataAt : dataAt + size + padding(size);
        }

        /**
         * The library's error e, located.
         *
         * @param end where the archive ends, when e comes of its ending before its end blocks; else -1
         */
        IllegalArgumentException failure(IOException e, long end, String shard) {
            if (end >= 0) {
                String inside = name != null && end < next
                        ? "inside member '" + name + "' (data at offset " + dataAt + ", " + size + " bytes)"
                        : "inside the member header that starts at offset "
                                + (e instanceof CutHeader cut ? cut.at : next);
                return new IllegalArgumentException(
                        "tar shard " + shard + " is truncated: it ends at byte offset " + end + " " + inside, e);
            }
            return new IllegalArgumentException(
                    "tar shard " + shard + ": the member header at byte offset " + next + " is corrupt (" + describe(e)
                            + "); the file is corrupt or not a tar archive",
                    e);
        }
    }

    /** The library's message and its cause's, which carries the detail ("Error detected parsing the header: ..."). */
    private static String describe(IOException e) {
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Throwable cause = e.getCause();
        if (cause == null || cause.getMessage() == null) return message;
        return (message.endsWith(".") ? message.substring(0, message.length() - 1) : message) + ": "
                + cause.getMessage();
    }

    /** A member's data, read in growing pieces, so a corrupt size costs no more memory than the archive holds. */
    private static byte[] readData(InputStream in, long size, String shard, String member, long dataAt)
            throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                    "tar shard " + shard + ": member '" + member + "' of " + size + " bytes is too large to read");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new IllegalArgumentException("tar shard " + shard + ": member '" + member + "' (data at offset "
                    + dataAt + ") has " + data.length + " of the " + size + " bytes its header claims");
        }
        return data;
    }

    /** Files: types '0', NUL (old tar) and '7' (contiguous), as webdataset reads them; sparse files are not. */
    private static boolean isRegular(TarArchiveEntry e) {
        byte type = e.getLinkFlag();
        return (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG)
                && !e.isSparse();
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    /** A header cut short by the end of the archive; at is where that header starts. */
    private static final class CutHeader extends IOException {
        final long at;

        CutHeader(long at) {
            super("the archive ends inside the header at byte offset " + at);
            this.at = at;
        }
    }

    /**
     * The library's sequential reader, except that a header record cut short is an error rather than
     * the end of the archive (a short record after the first zero block is trailing padding).
     */
    private static final class CutHeaderCheck extends TarArchiveInputStream {
        boolean endBlockSeen;

        CutHeaderCheck(InputStream in) {
            super(in, TarConstants.DEFAULT_BLKSIZE, BLOCK, ENCODING, true);
        }

        @Override
        protected byte[] readRecord() throws IOException {
            long at = getBytesRead();
            byte[] record = super.readRecord();
            if (record == null && getBytesRead() > at && !endBlockSeen) throw new CutHeader(at);
            if (record != null && isEOFRecord(record)) endBlockSeen = true;
            return record;
        }
    }
}
