package dev.loupe.clip.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CLIP's tokenizer on hand-chosen merges, so every expected id is derived by hand from the vocabulary
 * layout: ids 0..255 the byte table in table order ('!' = 0 ... '~' = 93, 0xA1.. = 94.., 0xAE.. = 106..,
 * then the remapped bytes 0x00.. = 188.., 0x7F.. = 221.., 0xAD = 255), 256..511 the same with
 * {@code </w>}, 512.. one per merge, then SOT and EOT.
 */
class TokenizerTest {
    // merges: 512 "h e", 513 "l o</w>", 514 "he l", 515 "hel lo</w>"; SOT 516, EOT 517
    private static final Tokenizer HELLO = new Tokenizer(List.of(
            new BpeMerge("h", "e"),
            new BpeMerge("l", "o</w>"),
            new BpeMerge("he", "l"),
            new BpeMerge("hel", "lo</w>")));

    private static int b(char c) {
        return c - '!';
    } // a printable ASCII byte's id

    private static int w(char c) {
        return 256 + b(c);
    } // the same byte ending a word

    @Test
    void byteTableMatchesGpt2AndClip() {
        assertEquals('a', ByteUnicode.encode('a'));
        assertEquals('\u0120', ByteUnicode.encode(' '), "space is 'Ġ'");
        assertEquals('\u0100', ByteUnicode.encode(0));
        assertEquals('\u010A', ByteUnicode.encode('\n'));
        assertEquals('\u0143', ByteUnicode.encode(0xAD));
        for (int i = 0; i < 256; i++) assertEquals(i, ByteUnicode.decode(ByteUnicode.encode(i)));
        assertEquals(64, HELLO.encode("a")[0] - 256, "CLIP's 'a</w>' is 320");
        assertEquals(518, HELLO.vocabSize());
        assertEquals(516, HELLO.startOfText());
        assertEquals(517, HELLO.endOfText());
    }

    @Test
    void mergesApplyLowestRankFirst() {
        assertArrayEquals(new int[] {515}, HELLO.encode("hello"));
        assertArrayEquals(new int[] {514, w('l')}, HELLO.encode("hell"), "hell -> he l l</w> -> hel l</w>");
        assertArrayEquals(new int[] {515}, HELLO.encode("HELLO"), "lower-cased");
        assertArrayEquals(new int[] {512, w('h')}, HELLO.encode("heh"));
    }

    @Test
    void contractionsSplitOffAsClipDoes() {
        assertArrayEquals(new int[] {b('d'), b('o'), w('n'), b('\''), w('t')}, HELLO.encode("don't"));
        assertArrayEquals(new int[] {b('i'), w('t'), b('\''), w('s')}, HELLO.encode("It's"));
        assertArrayEquals(new int[] {b('w'), w('e'), b('\''), b('r'), w('e')}, HELLO.encode("we're"));
    }

    @Test
    void digitsAreOneWordEach() {
        assertArrayEquals(new int[] {w('2'), w('0'), w('2'), w('4')}, HELLO.encode("2024"));
        assertArrayEquals(new int[] {b('v'), w('s'), w('1')}, HELLO.encode("vs1"));
    }

    @Test
    void punctuationRunsStayTogether() {
        assertArrayEquals(new int[] {b('w'), b('o'), w('w'), b('!'), b('?'), w('!')}, HELLO.encode("wow!?!"));
        assertArrayEquals(new int[] {w('a'), w('.'), w('b')}, HELLO.encode("a. b"));
    }

    @Test
    void nonAsciiLettersAndSymbolsGoThroughTheByteTable() {
        // café: c a f 0xC3 0xA9; 0xC3 = 106 + (0xC3 - 0xAE) = 127, 0xA9 = 94 + (0xA9 - 0xA1) = 102 (+256 at the word
        // end)
        assertArrayEquals(new int[] {b('c'), b('a'), b('f'), 127, 358}, HELLO.encode("Café"));
        // 🐱 U+1F431 = F0 9F 90 B1: 0xF0 -> 172, 0x9F -> 221 + (0x9F - 0x7F) = 253, 0x90 -> 238, 0xB1 -> 109 (+256)
        assertArrayEquals(new int[] {172, 253, 238, 365}, HELLO.encode("🐱"));
        // É lower-cases to é before the bytes are taken
        assertArrayEquals(HELLO.encode("é"), HELLO.encode("É"));
    }

    @Test
    void whitespaceCollapsesAndEntitiesUnescape() {
        assertArrayEquals(HELLO.encode("hello hell"), HELLO.encode("  hello \n\n\t  hell\u00A0 "));
        assertArrayEquals(new int[] {w('a'), w('&'), w('b')}, HELLO.encode("a &amp; b"));
        assertArrayEquals(new int[] {w('a'), w('&'), w('b')}, HELLO.encode("a &amp;amp; b"), "unescaped twice");
        assertArrayEquals(new int[] {b('<'), w('>')}, HELLO.encode("&lt;&gt;"));
    }

    @Test
    void specialTokensInTextMapToTheirIds() {
        assertArrayEquals(new int[] {516, 515, 517}, HELLO.encode("<|startoftext|>hello<|endoftext|>"));
    }

    @Test
    void tokenizeAddsSotEotPadsAndTruncatesKeepingEot() {
        Tensor t = HELLO.tokenize(List.of("hello hell", "", "hello hello hello hello"), 6);
        assertArrayEquals(new int[] {3, 6}, t.sizes());
        assertArrayEquals(
                new long[] {
                    516, 515, 514, w('l'), 517, 0,
                    516, 517, 0, 0, 0, 0,
                    516, 515, 515, 515, 515, 517
                },
                t.toLongArray());
        Tensor cut = HELLO.tokenize(List.of("hello hello hello hello hello hello"), 4);
        assertArrayEquals(new long[] {516, 515, 515, 517}, cut.toLongArray());
        assertEquals(77, HELLO.tokenize(List.of("hello")).size(1));
        assertThrows(IllegalArgumentException.class, () -> HELLO.tokenize(List.of("x"), 1));
    }

    @Test
    void decodeInvertsEncodeWithSpacesAtWordEnds() {
        assertEquals("hello hell ", HELLO.decode(HELLO.encode("Hello   hell")));
        assertEquals("café 🐱 don 't 2 0 ", HELLO.decode(HELLO.encode("café 🐱 don't 20")));
        assertThrows(IllegalArgumentException.class, () -> HELLO.decode(new int[] {518}));
    }
}
