package dev.loupe.data.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded reader fuzz of {@link ReaderFuzz} in the normal test run: 3,000 cases (600 per
 * reader) by default; {@code -Dloupe.fuzz.cases=1000000} for the long run, {@code -Dloupe.fuzz.seed}
 * for another sequence.
 */
class ReaderFuzzTest {
    @TempDir
    Path work;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void readersFailOnlyWithTheirDocumentedErrorsNamingTheFile() throws IOException {
        long cases = Long.getLong("loupe.fuzz.cases", 3_000);
        long seed = Long.getLong("loupe.fuzz.seed", 1);
        List<ReaderFuzz.Failure> failures = new ReaderFuzz(work).run(seed, cases, 20);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ReaderFuzz.report(failures, cases, seed, new PrintStream(text, true, StandardCharsets.UTF_8));
        System.out.print(text.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), failures, text.toString(StandardCharsets.UTF_8));
    }

    @Test
    void casesAreReproducibleAndMutateTheirSeed() {
        byte[] seedFile =
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}".getBytes(StandardCharsets.UTF_8);
        int changed = 0;
        for (int c = 0; c < 200; c++) {
            byte[] a = Mutations.mutate(seedFile, new Random(c)), b = Mutations.mutate(seedFile, new Random(c));
            assertTrue(java.util.Arrays.equals(a, b), "case " + c + " is the same every time");
            if (!java.util.Arrays.equals(a, seedFile)) changed++;
        }
        assertTrue(changed > 190, "mutations change the file: " + changed + " of 200");
        assertNotEquals(0, seedFile.length);
    }
}
