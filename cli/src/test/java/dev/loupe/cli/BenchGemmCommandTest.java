package dev.loupe.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --json contract of {@code loupe bench gemm} (fields, not speed: speed is for benchmarks). */
class BenchGemmCommandTest {
    @Test
    void jsonLinesCarryTheShapeAndARate() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new Main())
                    .execute("bench", "gemm", "--sizes", "16,8x4x2:NT", "--reps", "1", "--json", "--threads", "1");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(2, lines.length, buf.toString(StandardCharsets.UTF_8));
        JsonNode first = new ObjectMapper().readTree(lines[0]), second = new ObjectMapper().readTree(lines[1]);
        assertEquals(16, first.get("m").asInt());
        assertEquals(16, first.get("k").asInt());
        assertEquals(8, second.get("m").asInt());
        assertEquals(4, second.get("n").asInt());
        assertEquals(2, second.get("k").asInt());
        assertEquals("NT", second.get("op").asText());
        assertTrue(first.get("gflops").asDouble() > 0);
    }
}
