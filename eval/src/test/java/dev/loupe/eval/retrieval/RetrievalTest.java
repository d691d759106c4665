package dev.loupe.eval.retrieval;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Retrieval ranks and recalls on hand-built embeddings. */
class RetrievalTest {
    // images: the three axes
    private static final Tensor IMAGES = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
    // t0 -> I0 (close), t1 -> I0 (a bad caption, closest to I1), t2 -> I1 (close), t3 -> I2 (closer to I0)
    private static final Tensor TEXTS = Tensor.of(new float[] {1, 0.1f, 0, 0, 1, 0.6f, 0.1f, 1, 0, 1, 0, 0.5f}, 4, 3);
    private static final int[] TEXT_TO_IMAGE = {0, 0, 1, 2};

    @Test
    void textToImageRankCountsMoreSimilarImages() {
        // t1: I1 (0.86) and I2 (0.51) beat its own I0 (0); t3: I0 (0.89) beats its own I2 (0.45)
        assertArrayEquals(new int[] {0, 2, 0, 1}, Retrieval.textToImageRanks(IMAGES, TEXTS, TEXT_TO_IMAGE));
    }

    @Test
    void imageToTextTakesTheBestOfItsCaptions() {
        // I0: t0 is its best text; I1: t2 (0.995) beats t1 (0.86); I2: t1 (0.51) beats its own t3 (0.45)
        assertArrayEquals(new int[] {0, 0, 1}, Retrieval.imageToTextRanks(IMAGES, TEXTS, TEXT_TO_IMAGE));
        RetrievalResult r = Retrieval.evaluate(IMAGES, TEXTS, TEXT_TO_IMAGE);
        assertEquals(2.0 / 3, r.imageToTextR1(), 1e-12);
        assertEquals(1.0, r.imageToTextR5(), 1e-12);
        assertEquals(0.5, r.textToImageR1(), 1e-12);
        assertEquals(1.0, r.textToImageR5(), 1e-12);
        assertEquals(1.0, r.textToImageR10(), 1e-12);
        assertEquals(3, r.images());
        assertEquals(4, r.texts());
    }

    @Test
    void pairedRetrievalOfAPermutation() {
        // texts are the images shifted by one: text i matches image (i + 1) % 3 best, never its own
        Tensor texts = Tensor.of(new float[] {0, 1, 0, 0, 0, 1, 1, 0, 0}, 3, 3);
        RetrievalResult r = Retrieval.evaluatePaired(IMAGES, texts);
        assertEquals(0.0, r.imageToTextR1(), 0);
        assertEquals(0.0, r.textToImageR1(), 0);
        assertEquals(1.0, r.textToImageR5(), 0);
        assertEquals(1.0, Retrieval.evaluatePaired(IMAGES, IMAGES).imageToTextR1(), 0);
    }

    @Test
    void rejectsBadMappings() {
        assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(IMAGES, TEXTS, new int[] {0, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(IMAGES, TEXTS, new int[] {0, 0, 1, 3}));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Retrieval.evaluate(IMAGES, TEXTS, new int[] {0, 0, 1, 1}));
        assertTrue(e.getMessage().contains("image 2"), e.getMessage());
    }
}
