package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link CommonTrainOptions}: the run folder from --out, from --resume RUN, or from both when they
 * agree; a bare --resume continues --out's run; the errors when no folder or two folders are named.
 */
class CommonTrainOptionsTest {
    private static CommonTrainOptions parse(String... args) {
        return CommandLine.populateCommand(new CommonTrainOptions(), args);
    }

    @Test
    void outAloneStartsARun() {
        CommonTrainOptions o = parse("--out", "runs/a", "--epochs", "2");
        assertFalse(o.resuming());
        assertEquals(Path.of("runs/a"), o.runFolder());
    }

    @Test
    void bareResumeContinuesTheRunInOut() {
        CommonTrainOptions o = parse("--out", "runs/a", "--resume", "--epochs", "2");
        assertTrue(o.resuming());
        assertEquals(Path.of("runs/a"), o.runFolder());
        assertEquals(2, o.epochs, "the option after a bare --resume is not taken as its folder");
    }

    @Test
    void resumeNamesTheRunItself() {
        CommonTrainOptions o = parse("--resume", "runs/b", "--epochs", "2");
        assertTrue(o.resuming());
        assertEquals(Path.of("runs/b"), o.runFolder());
        assertEquals("runs/b", o.runtime().get("out"));
        assertEquals(
                Path.of("runs/b"),
                parse("--resume", "runs/b", "--out", "runs/./b").runFolder().normalize(),
                "the same folder twice is one run");
    }

    @Test
    void aMissingOrAmbiguousRunFolderIsAnError() {
        IllegalArgumentException none = assertThrows(
                IllegalArgumentException.class, () -> parse("--epochs", "2").runFolder());
        assertTrue(none.getMessage().contains("--out runs/NAME"), none.getMessage());
        IllegalArgumentException bare = assertThrows(
                IllegalArgumentException.class, () -> parse("--resume").runFolder());
        assertTrue(bare.getMessage().contains("--resume runs/NAME"), bare.getMessage());
        IllegalArgumentException two =
                assertThrows(IllegalArgumentException.class, () -> parse("--out", "runs/a", "--resume", "runs/b")
                        .runFolder());
        assertTrue(two.getMessage().contains("runs/a") && two.getMessage().contains("runs/b"), two.getMessage());
    }
}
