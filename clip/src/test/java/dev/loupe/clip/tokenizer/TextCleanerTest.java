package dev.loupe.clip.tokenizer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Text cleaning (html.unescape twice, whitespace collapse, lower-case) and CLIP's word split. */
class TextCleanerTest {
    @Test
    void unescapesNamedAndNumericReferences() {
        assertEquals("a & b", HtmlEntities.unescape("a &amp; b"));
        assertEquals("café", HtmlEntities.unescape("caf&eacute;"));
        assertEquals("it's it's", HtmlEntities.unescape("it&#39;s it&#x27;s"));
        assertEquals("\u201Cq\u201D", HtmlEntities.unescape("&ldquo;q&rdquo;"));
        assertEquals("&x", HtmlEntities.unescape("&ampx"), "legacy names need no semicolon");
        assertEquals("&nosuch; &", HtmlEntities.unescape("&nosuch; &"), "unknown names stay");
        assertEquals("\u20AC", HtmlEntities.unescape("&#128;"), "0x80..0x9F are windows-1252");
        assertEquals("\uFFFD", HtmlEntities.unescape("&#0;"));
        assertEquals("&amp;", HtmlEntities.unescape("&amp;amp;"), "one pass unescapes once");
    }

    @Test
    void cleanCollapsesWhitespaceUnescapesTwiceAndLowerCases() {
        assertEquals("hello world", TextCleaner.clean("  Hello\n\t WORLD \u2003"));
        assertEquals("a & b", TextCleaner.clean("A &amp;amp; B"));
        assertEquals("", TextCleaner.clean(" \n "));
    }

    @Test
    void splitsLikeClipsPattern() {
        assertEquals(List.of("don", "'t", "stop", "'s", "it", "'ll"), PreTokenizer.split("don't stop's it'll"));
        assertEquals(List.of("2", "0", "2", "4", "km"), PreTokenizer.split("2024km"));
        assertEquals(List.of("wow", "!?!", "...", "ok"), PreTokenizer.split("wow!?! ...ok"));
        assertEquals(List.of("café", "naïve", "東京"), PreTokenizer.split("café naïve 東京"));
        assertEquals(List.of("i", "❤️", "🐱"), PreTokenizer.split("i ❤️ 🐱"));
        assertEquals(List.of("<|endoftext|>", "x"), PreTokenizer.split("<|endoftext|>x"));
        assertEquals(List.of("'", "quoted", "'"), PreTokenizer.split("'quoted'"));
    }
}
