package dev.loupe.clip.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * CLIP's (and GPT-2's) reversible byte-to-unicode table: every byte maps to one printable character
 * so that BPE never sees whitespace or control characters. Printable bytes '!'..'~', '¡'..'¬' and
 * '®'..'ÿ' map to themselves; the other 68 bytes map to U+0100, U+0101, ... in increasing byte order.
 *
 * <p>{@link #orderedChars()} is the table's order (printable bytes first, then the remapped ones), which
 * is also the order of the first 256 vocabulary entries.
 */
public final class ByteUnicode {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final char[] ORDERED = new char[256];
    private static final Map<Character, Integer> CHAR_TO_BYTE = new HashMap<>();

    static {
        boolean[] printable = new boolean[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        }
        for (int b = 0; b < 256; b++) {
            if (printable[b]) {
                BYTE_TO_CHAR[b] = (char) b;
                ORDERED[n++] = (char) b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                BYTE_TO_CHAR[b] = (char) (256 + extra++);
                ORDERED[n++] = BYTE_TO_CHAR[b];
            }
        }
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
    }

    private ByteUnicode() {}

    /** The character that stands for byte {@code b} (0..255). */
    public static char encode(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** Each byte of {@code bytes} as its table character. */
    public static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) sb.append(BYTE_TO_CHAR[b & 0xFF]);
        return sb.toString();
    }

    /** The byte a table character stands for; -1 when {@code c} is not in the table. */
    public static int decode(char c) {
        Integer b = CHAR_TO_BYTE.get(c);
        return b == null ? -1 : b;
    }

    /** The 256 table characters in table order (the first 256 vocabulary entries). */
    public static char[] orderedChars() {
        return ORDERED.clone();
    }
}
