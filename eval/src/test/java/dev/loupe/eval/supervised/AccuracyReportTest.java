package dev.loupe.eval.supervised;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.eval.report.ConfusionMatrix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccuracyReportTest {
    /** 3 of 4 right: one "b" taken for an "a". */
    private static final AccuracyResult RESULT = new AccuracyResult(
            0.75, 3, 4, ConfusionMatrix.of(new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 0}, List.of("a", "b"), 2));

    @Test
    void jsonKeepsItsKeysInOrder() {
        Map<String, Object> json = AccuracyReport.json("w.safetensors", "test", RESULT);
        assertEquals(
                List.of("weights", "data", "top1", "correct", "total", "classes", "confusion"),
                List.copyOf(json.keySet()));
        assertEquals(0.75, json.get("top1"));
        assertEquals(3L, json.get("correct"));
        assertEquals(List.of("a", "b"), json.get("classes"));
        assertArrayEquals(new long[][] {{2, 0}, {1, 1}}, (long[][]) json.get("confusion"));
    }

    @Test
    void textIsTheTopOneLineThenTheConfusionTable() {
        String text = AccuracyReport.text("shapes/test", RESULT);
        String first = String.format("top-1 accuracy 0.7500 (3 / 4) on shapes/test%n%n");
        assertTrue(text.startsWith(first), text);
        assertEquals(RESULT.confusion().toMarkdown(), text.substring(first.length()));
    }
}
