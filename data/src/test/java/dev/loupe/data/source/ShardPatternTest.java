package dev.loupe.data.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardPatternTest {
    @TempDir
    Path dir;

    @Test
    void bracesExpandLikeBraceexpand() {
        assertEquals(
                List.of("shard-000008.tar", "shard-000009.tar", "shard-000010.tar"),
                ShardPattern.expandBraces("shard-{000008..000010}.tar"));
        assertEquals(List.of("8", "9", "10"), ShardPattern.expandBraces("{8..10}"));
        assertEquals(List.of("a1x", "a2x", "b1x", "b2x"), ShardPattern.expandBraces("{a,b}{1,2}x"));
        assertEquals(List.of("p0", "p2", "p4"), ShardPattern.expandBraces("p{0..4..2}"));
        assertEquals(List.of("3", "2", "1"), ShardPattern.expandBraces("{3..1}"));
        assertEquals(List.of("xa", "xb", "xc"), ShardPattern.expandBraces("x{a..c}"));
        assertEquals(List.of("a", "b1", "b2", "c"), ShardPattern.expandBraces("{a,b{1,2},c}"));
        assertEquals(List.of("{x}-1", "{x}-2"), ShardPattern.expandBraces("{x}-{1,2}"));
        assertEquals(List.of("plain.tar"), ShardPattern.expandBraces("plain.tar"));
    }

    @Test
    void resolvesRangesGlobsAndLists() throws IOException {
        for (int i = 0; i < 3; i++) Files.writeString(dir.resolve("shard-00000" + i + ".tar"), "");
        Files.writeString(dir.resolve("other.tar"), "");
        List<Path> expected = List.of(
                dir.resolve("shard-000000.tar"), dir.resolve("shard-000001.tar"), dir.resolve("shard-000002.tar"));
        assertEquals(expected, ShardPattern.resolve(dir + "/shard-{000000..000002}.tar"));
        assertEquals(expected, ShardPattern.resolve(dir + "/shard-*.tar"));
        assertEquals(
                List.of(dir.resolve("other.tar"), dir.resolve("shard-000001.tar")),
                ShardPattern.resolve(dir + "/other.tar::" + dir + "/shard-000001.tar"));
    }

    @Test
    void missingShardsAreErrorsNamingThem() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ShardPattern.resolve(dir + "/shard-{0..1}.tar"));
        assertTrue(e.getMessage().contains("shard-0.tar"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardPattern.resolve(dir + "/*.tar"));
    }
}
