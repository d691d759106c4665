package dev.loupe.nn;

import static dev.loupe.nn.LayersGolden.get;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * MAE's 2-D sin-cos position embedding against MAE's get_2d_sincos_pos_embed, reproduced in numpy
 * by tools/golden/make_layers_fixture.py. Both compute in double and round to float32 once, so
 * they agree to float32 rounding (1e-6 of the scale, which is 1).
 */
class SinCosTest {
    @Test
    void matchesMaeWithClsToken() {
        assertCloseToScale("d16 g4 cls", get("sincos.d16g4cls"), SinCos.embedding2d(16, 4, true), 1e-6);
    }

    @Test
    void matchesMaeWithoutClsToken() {
        assertCloseToScale("d8 g3", get("sincos.d8g3"), SinCos.embedding2d(8, 3, false), 1e-6);
    }

    @Test
    void columnsEncodeTheFirstHalfAndRowsTheSecond() {
        Tensor t = SinCos.embedding2d(8, 2, 3, false);
        assertArrayEquals(new int[] {1, 6, 8}, t.sizes());
        // token (row 1, col 2) = index 5: first half from column 2, second half from row 1; omega_0 = 1
        assertEquals(Math.sin(2), t.getDouble(0, 5, 0), 1e-6);
        assertEquals(Math.cos(2), t.getDouble(0, 5, 2), 1e-6);
        assertEquals(Math.sin(1), t.getDouble(0, 5, 4), 1e-6);
        assertEquals(Math.sin(0.01), t.getDouble(0, 5, 5), 1e-6, "omega_1 = 1/10000^(1/2)");
    }

    @Test
    void rejectsDimNotMultipleOfFour() {
        assertThrows(IllegalArgumentException.class, () -> SinCos.embedding2d(6, 4, true));
    }
}
