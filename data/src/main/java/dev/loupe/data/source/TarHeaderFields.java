package dev.loupe.data.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Field decoding for 512-byte tar headers and pax extended-header records. */
final class TarHeaderFields {
    private TarHeaderFields() {}

    /** The member name: the ustar prefix (POSIX magic only) joined to the 100-byte name field. */
    static String name(byte[] header) {
        String name = cString(header, 0, 100);
        boolean posix = header[257] == 'u'
                && header[258] == 's'
                && header[259] == 't'
                && header[260] == 'a'
                && header[261] == 'r'
                && header[262] == 0;
        if (posix) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) return prefix + "/" + name;
        }
        return name;
    }

    /** The size field: octal, or big-endian binary when its first byte has the high bit (GNU base-256). */
    static long size(byte[] header, String shard, long at) {
        if ((header[124] & 0x80) != 0) {
            // GNU base-256: the first byte 0x80 marks a positive number, 0xff a negative one
            if ((header[124] & 0xFF) != 0x80) throw corrupt(shard, at, "a negative base-256 size");
            long v = 0;
            for (int i = 125; i < 136; i++) {
                if (v > Long.MAX_VALUE >> 8) throw corrupt(shard, at, "a base-256 size larger than 2^63");
                v = (v << 8) | (header[i] & 0xFF);
            }
            return v;
        }
        return octal(header, 124, 12, shard, at, "size");
    }

    /** The value of a pax {@code size} record: decimal digits, at most 18 of them. */
    static long paxSize(String value, String shard, long at) {
        String v = value.strip();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw corrupt(
                    shard,
                    at,
                    "a pax size record '" + (v.length() > 40 ? v.substring(0, 40) + "..." : v)
                            + "' that is not a byte count");
        }
        return Long.parseLong(v);
    }

    private static IllegalArgumentException corrupt(String shard, long at, String what) {
        return new IllegalArgumentException("tar shard " + shard + ": the header at byte offset " + at + " has " + what
                + "; the file is corrupt or not a tar archive");
    }

    /** An octal number padded with spaces or NULs. */
    static long octal(byte[] b, int from, int len, String shard, long at, String field) {
        long v = 0;
        boolean digits = false;
        for (int i = from; i < from + len; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') {
                if (digits) break;
                continue;
            }
            if (c < '0' || c > '7') {
                throw new IllegalArgumentException(
                        "tar shard " + shard + ": the " + field + " field of the header at byte offset " + at
                                + " is not an octal number; the file is corrupt or not a tar archive");
            }
            v = v * 8 + (c - '0');
            digits = true;
        }
        return v;
    }

    /** UTF-8 text up to the first NUL within [from, from + len). */
    static String cString(byte[] b, int from, int len) {
        int end = from;
        while (end < from + len && end < b.length && b[end] != 0) end++;
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    /** The "length key=value\n" records of a pax extended header, as {key, value} pairs. */
    static List<String[]> paxRecords(byte[] data, String shard, long at) {
        List<String[]> out = new ArrayList<>();
        int i = 0;
        while (i < data.length && data[i] != 0) {
            int space = i;
            while (space < data.length && data[space] != ' ') space++;
            int len;
            try {
                len = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "tar shard " + shard + ": bad pax header record at byte offset " + at, e);
            }
            if (len <= 0 || i + len > data.length) {
                throw new IllegalArgumentException(
                        "tar shard " + shard + ": pax header record overruns its header at byte offset " + at);
            }
            if (space + 1 > i + len - 1) {
                throw new IllegalArgumentException("tar shard " + shard + ": pax header record of " + len
                        + " bytes is shorter than its own length prefix, at byte offset " + at);
            }
            String record = new String(data, space + 1, i + len - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) out.add(new String[] {record.substring(0, eq), record.substring(eq + 1)});
            i += len;
        }
        return out;
    }
}
