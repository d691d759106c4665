package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FiniteTest {
    @Test
    void namesTheFirstNonFiniteElementByItsIndexAndCountsTheRest() {
        float[] a = new float[2 * 3 * 4];
        a[1 * 12 + 2 * 4 + 3] = Float.NaN;
        a[20] = Float.POSITIVE_INFINITY;
        NonFiniteValueException e =
                assertThrows(NonFiniteValueException.class, () -> Finite.require(Tensor.of(a, 2, 3, 4), "images.npy"));
        assertEquals(
                "images.npy has Infinity at index (1, 2, 0) (the first of 2 non-finite values among 24)",
                e.getMessage());
        assertArrayEquals(new int[] {1, 2, 0}, e.index());
        assertEquals(Double.POSITIVE_INFINITY, e.value());
        assertEquals(2, e.count());
    }

    @Test
    void viewsAndF64AreCheckedInRowMajorOrder() {
        // the transpose puts storage element 1 (the NaN) at row-major index (1, 0)
        Tensor t = Tensor.of(new float[] {0, Float.NaN, 2, 3, 4, 5}, 2, 3).mT();
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> Finite.require(t, "x"));
        assertArrayEquals(new int[] {1, 0}, e.index());
        Tensor d = Tensor.of(new double[] {1, 2, Double.NEGATIVE_INFINITY}, 3).narrow(0, 1, 2);
        NonFiniteValueException f = assertThrows(NonFiniteValueException.class, () -> Finite.require(d, "d"));
        assertEquals("d has -Infinity at index (1,) (the first of 1 non-finite values among 2)", f.getMessage());
    }

    @Test
    void finiteFloatsAndEveryIntegerTensorPass() {
        assertDoesNotThrow(
                () -> Finite.require(Tensor.of(new float[] {Float.MAX_VALUE, -0f, Float.MIN_VALUE}, 3), "ok"));
        assertDoesNotThrow(() -> Finite.require(Tensor.ofLongs(new long[] {Long.MIN_VALUE}), "ints"));
        assertDoesNotThrow(() -> Finite.require(Tensor.zeros(0, 5), "empty"));
    }

    @Test
    void aStateDictIsNamedByTensorAndFile() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("blocks.0.attn.qkv.weight", Tensor.ones(4, 4));
        state.put("head.weight", Tensor.of(new float[] {0, 1, Float.NaN, 3}, 2, 2));
        NonFiniteValueException e = assertThrows(
                NonFiniteValueException.class, () -> Finite.requireAll(state, Path.of("runs/a/model.safetensors")));
        assertEquals(
                "tensor 'head.weight' of runs/a/model.safetensors has NaN at index (1, 0) (the first of 1 non-finite values among 4)",
                e.getMessage());
        assertTrue(e.what().startsWith("tensor 'head.weight'"));
    }
}
