package dev.loupe.ssl.common;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.GradCheck;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class L2NormalizeTest {
    @Test
    void rowsHaveUnitNormAndKeepDirection() {
        Tensor x = Tensor.of(new float[] {3, 4, 0, 0, -2, 0}, 3, 2);
        float[] y = L2Normalize.rows(Var.of(x)).data().toFloatArray();
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, -1, 0}, y, 1e-7f); // the zero row stays zero (eps)
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Tensor x = Tensor.randn(new Rng(3), 4, 5);
        GradCheck.check("l2 normalize", v -> L2Normalize.rows(v[0]), x);
    }

    @Test
    void scalarIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> L2Normalize.rows(Var.of(Tensor.scalar(1f))));
    }
}
