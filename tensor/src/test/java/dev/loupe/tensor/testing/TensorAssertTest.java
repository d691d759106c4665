package dev.loupe.tensor.testing;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TensorAssertTest {
    private final Tensor expected = Tensor.of(new float[] {100f, 1e-3f, -50f});

    @Test
    void smallElementsAreJudgedAgainstTheTensorScale() {
        // element 1 is off by 50% of itself but by 5e-6 of the scale (100): accepted at rtol 1e-5
        assertCloseToScale("ok", expected, Tensor.of(new float[] {100f, 1.5e-3f, -50f}), 1e-5);
    }

    @Test
    void aDifferenceAboveTheBoundFailsAndNamesTheElement() {
        AssertionError e = assertThrows(
                AssertionError.class,
                () -> assertCloseToScale("logits", expected, Tensor.of(new float[] {100f, 1e-3f, -49.9f}), 1e-5));
        assertTrue(e.getMessage().contains("logits") && e.getMessage().contains("element 2"), e.getMessage());
    }

    @Test
    void nanAndShapeMismatchFail() {
        // the NaN is followed by an exact element, which must not hide it
        assertThrows(
                AssertionError.class,
                () -> assertCloseToScale("nan", expected, Tensor.of(new float[] {100f, Float.NaN, -50f}), 1));
        AssertionError e =
                assertThrows(AssertionError.class, () -> assertCloseToScale("shape", expected, Tensor.zeros(3, 1), 1));
        assertTrue(e.getMessage().contains("(3, 1)") && e.getMessage().contains("(3,)"), e.getMessage());
    }
}
