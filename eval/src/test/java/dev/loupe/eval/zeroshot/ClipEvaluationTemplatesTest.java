package dev.loupe.eval.zeroshot;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClipEvaluation#templates}: the named sets, template files, and the errors for bad ones. */
class ClipEvaluationTemplatesTest {
    @Test
    void namedSetsAndFiles(@TempDir Path tmp) throws IOException {
        assertEquals(Templates.SIMPLE, ClipEvaluation.templates("simple"));
        assertEquals(Templates.OPENAI_IMAGENET_7, ClipEvaluation.templates("OpenAI"));
        assertEquals(4, ClipEvaluation.templates("shapes").size());
        Path file = Files.writeString(tmp.resolve("t.txt"), "a drawing of a {}\n\n  the {} shape  \n");
        assertEquals(List.of("a drawing of a {}", "the {} shape"), ClipEvaluation.templates(file.toString()));

        Path bad = Files.writeString(tmp.resolve("bad.txt"), "a {}\nno placeholder\n");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.templates(bad.toString()));
        assertTrue(e.getMessage().contains("'no placeholder' has no {}"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> ClipEvaluation.templates(tmp.resolve("missing.txt").toString()));
        assertTrue(e.getMessage().contains("neither simple, openai, shapes nor a file"), e.getMessage());
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n");
        assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.templates(empty.toString()));
    }
}
