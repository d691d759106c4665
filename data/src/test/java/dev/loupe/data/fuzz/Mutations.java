package dev.loupe.data.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * Byte-level mutations of a valid file, in the manner of AFL's havoc stage: bit flips, interesting
 * bytes and integers (either byte order) where length fields live, truncation, extension, deleted and
 * duplicated ranges, and, for the text headers of safetensors, .npy and pax, digit runs replaced by
 * numbers at the edges of int and long. Positions favour the first kilobyte, where headers are.
 */
final class Mutations {
    private static final byte[] BYTES = {
        0, 1, 0x7f, (byte) 0x80, (byte) 0xff, ' ', '0', '7', '9', '\n', '"', ',', '[', ']', '{', '}', '(', ')', '-'
    };
    private static final long[] LONGS = {
        0,
        1,
        -1,
        7,
        8,
        255,
        256,
        511,
        512,
        0x7fff,
        0xffff,
        0x10000,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        0xffffffffL,
        1L << 32,
        1L << 40,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        100_000_000,
        2_700_000
    };
    private static final String[] NUMBERS = {
        "0",
        "-1",
        "1",
        "2147483647",
        "2147483648",
        "4294967296",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "99999999999999999999999",
        "65536",
        "1e30",
        "-9223372036854775808",
        "3.5",
        ""
    };

    private Mutations() {}

    /** 1 to 4 mutations of {@code seed} (which is not changed). */
    static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) b = once(b, r);
        return b;
    }

    private static byte[] once(byte[] b, Random r) {
        if (b.length == 0) return randomBytes(r, 1 + r.nextInt(64));
        return switch (r.nextInt(11)) {
            case 0 -> flipBit(b, r);
            case 1 -> setByte(b, r);
            case 2 -> putInteger(b, r, 4);
            case 3 -> putInteger(b, r, 8);
            case 4 -> Arrays.copyOf(b, r.nextInt(b.length));
            case 5 -> concat(b, randomBytes(r, 1 + r.nextInt(600)));
            case 6 -> deleteRange(b, r);
            case 7 -> duplicateRange(b, r);
            case 8 -> replaceDigits(b, r);
            case 9 -> overwriteRandom(b, r);
            default -> putInteger(b, r, 1 + r.nextInt(8));
        };
    }

    /**
     * Rewrites the checksum of every 512-byte block that carries the ustar magic, so that a mutated
     * header reaches the size, name and pax parsing instead of failing the checksum test every time.
     */
    static byte[] withTarChecksums(byte[] b) {
        for (int at = 0; at + 512 <= b.length; at += 512) {
            if (b[at + 257] != 'u'
                    || b[at + 258] != 's'
                    || b[at + 259] != 't'
                    || b[at + 260] != 'a'
                    || b[at + 261] != 'r') continue;
            long sum = 0;
            for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : b[at + i] & 0xFF;
            byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, b, at + 148, 6);
            b[at + 154] = 0;
            b[at + 155] = ' ';
        }
        return b;
    }

    private static int position(byte[] b, Random r) {
        return r.nextBoolean() ? r.nextInt(Math.min(b.length, 1024)) : r.nextInt(b.length);
    }

    private static byte[] flipBit(byte[] b, Random r) {
        b[position(b, r)] ^= (byte) (1 << r.nextInt(8));
        return b;
    }

    private static byte[] setByte(byte[] b, Random r) {
        b[position(b, r)] = BYTES[r.nextInt(BYTES.length)];
        return b;
    }

    /** An interesting integer, nudged by -1..+1 now and then, in either byte order. */
    private static byte[] putInteger(byte[] b, Random r, int width) {
        long v = LONGS[r.nextInt(LONGS.length)] + (r.nextInt(4) == 0 ? r.nextInt(3) - 1 : 0);
        ByteBuffer buf = ByteBuffer.allocate(8)
                .order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
                .putLong(v);
        byte[] bytes = buf.array();
        int from = buf.order() == ByteOrder.LITTLE_ENDIAN ? 0 : 8 - width;
        int at = position(b, r);
        for (int i = 0; i < width && at + i < b.length; i++) b[at + i] = bytes[from + i];
        return b;
    }

    private static byte[] deleteRange(byte[] b, Random r) {
        int at = position(b, r);
        int len = 1 + r.nextInt(Math.min(b.length - at, 64));
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
    }

    private static byte[] duplicateRange(byte[] b, Random r) {
        int from = position(b, r);
        int len = 1 + r.nextInt(Math.min(b.length - from, 512));
        int at = position(b, r);
        byte[] out = new byte[b.length + len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, from, out, at, len);
        System.arraycopy(b, at, out, at + len, b.length - at);
        return out;
    }

    /** A run of ASCII digits (the first at or after a random position) becomes another number. */
    private static byte[] replaceDigits(byte[] b, Random r) {
        int at = position(b, r);
        while (at < b.length && (b[at] < '0' || b[at] > '9')) at++;
        if (at == b.length) return flipBit(b, r);
        int end = at;
        while (end < b.length && b[end] >= '0' && b[end] <= '9') end++;
        byte[] number = NUMBERS[r.nextInt(NUMBERS.length)].getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[b.length - (end - at) + number.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(number, 0, out, at, number.length);
        System.arraycopy(b, end, out, at + number.length, b.length - end);
        return out;
    }

    private static byte[] overwriteRandom(byte[] b, Random r) {
        int at = position(b, r);
        int len = Math.min(1 + r.nextInt(16), b.length - at);
        for (int i = 0; i < len; i++) b[at + i] = (byte) r.nextInt(256);
        return b;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] out = new byte[n];
        r.nextBytes(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
