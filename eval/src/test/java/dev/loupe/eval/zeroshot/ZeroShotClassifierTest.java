package dev.loupe.eval.zeroshot;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Zero-shot weights and accuracy on hand-built embeddings whose answers are known. */
class ZeroShotClassifierTest {
    /** An encoder that looks every prompt up in a table, failing on prompts it does not know. */
    private static TextEncoder table(Map<String, float[]> rows) {
        return texts -> {
            int e = rows.values().iterator().next().length;
            float[] out = new float[texts.size() * e];
            for (int i = 0; i < texts.size(); i++) {
                float[] r = rows.get(texts.get(i));
                if (r == null) throw new AssertionError("unexpected prompt '" + texts.get(i) + "'");
                System.arraycopy(r, 0, out, i * e, e);
            }
            return Tensor.of(out, texts.size(), e);
        };
    }

    @Test
    void templatesAreNormalisedBeforeAveraging() {
        TextEncoder enc = table(Map.of(
                "a photo of a cat.",
                new float[] {3, 0, 0},
                "art of the cat.",
                new float[] {0, 4, 0},
                "a photo of a dog.",
                new float[] {0, 0, -2},
                "art of the dog.",
                new float[] {0, 0, -7}));
        ZeroShotClassifier zs =
                ZeroShotClassifier.build(enc, List.of("cat", "dog"), List.of("a photo of a {}.", "art of the {}."));
        float h = (float) Math.sqrt(0.5);
        // cat: mean of (1,0,0) and (0,1,0), renormalised; averaging raw vectors would give (0.6, 0.8, 0)
        assertArrayEquals(
                new float[] {h, 0, h, 0, 0, -1}, zs.weights().contiguous().toFloatArray(), 1e-6f);
        assertArrayEquals(new int[] {3, 2}, zs.weights().sizes());
    }

    @Test
    void topOneAndTopFiveCountRanksOfTheTrueClass() {
        List<String> classes = List.of("c0", "c1", "c2", "c3", "c4", "c5");
        java.util.HashMap<String, float[]> rows = new java.util.HashMap<>();
        for (int c = 0; c < 6; c++) {
            float[] onehot = new float[6];
            onehot[c] = 1;
            rows.put("a photo of a c" + c + ".", onehot);
        }
        ZeroShotClassifier zs = ZeroShotClassifier.build(table(rows), classes, Templates.SIMPLE);
        Tensor images = Tensor.of(
                new float[] {
                    5, 1, 0, 0, 0, 0, // label 0: best                      -> top-1
                    1, 2, 3, 4, 5, 6, // label 1: 4 classes score higher    -> top-5 only
                    1, 2, 3, 4, 5, 6, // label 0: 5 classes score higher    -> neither
                    0, 0, 0, 0, 1, 0
                },
                4,
                6); // label 4: best             -> top-1
        ZeroShotResult r = zs.evaluate(images, Tensor.ofLongs(new long[] {0, 1, 0, 4}, 4));
        assertEquals(0.5, r.top1(), 1e-12);
        assertEquals(0.75, r.top5(), 1e-12);
        assertEquals(4, r.count());
        assertEquals(6, r.numClasses());
        assertThrows(
                IllegalArgumentException.class, () -> zs.evaluate(images, Tensor.ofLongs(new long[] {0, 1, 0, 6}, 4)));
        assertThrows(IllegalArgumentException.class, () -> zs.scores(Tensor.ones(2, 5)));
    }

    @Test
    void rejectsTemplatesWithoutPlaceholder() {
        TextEncoder enc = texts -> Tensor.ones(texts.size(), 2);
        assertThrows(
                IllegalArgumentException.class, () -> ZeroShotClassifier.build(enc, List.of("a"), List.of("a photo")));
        assertThrows(
                IllegalArgumentException.class,
                () -> ZeroShotClassifier.build(enc, new ArrayList<>(), Templates.SIMPLE));
    }
}
