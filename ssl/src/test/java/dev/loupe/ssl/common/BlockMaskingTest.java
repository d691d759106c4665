package dev.loupe.ssl.common;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** BEiT block masks and DINOv2's per-batch collation: bounds and determinism. */
class BlockMaskingTest {
    private static int count(boolean[] m) {
        int c = 0;
        for (boolean b : m) if (b) c++;
        return c;
    }

    @Test
    void maskStaysWithinItsTargetAndIsDeterministic() {
        BlockMasking g = BlockMasking.dinov2(14);
        for (int target : new int[] {0, 5, 20, 50, 98}) {
            boolean[] a = g.mask(target, new Rng(target)), b = g.mask(target, new Rng(target));
            assertArrayEquals(a, b, "same Rng, same mask");
            int c = count(a);
            assertTrue(c <= target, "target " + target + " got " + c);
            assertTrue(c >= target / 2, "block growth stalled far below target " + target + ": " + c);
        }
        assertFalse(Arrays.equals(g.mask(50, new Rng(1)), g.mask(50, new Rng(2))), "other seeds give other masks");
    }

    @Test
    void masksAreRectangularBlocks() {
        // area exactly 4 and aspect exactly 1: one 2x2 square somewhere on the grid
        boolean[] m = new BlockMasking(14, 14, 4, 4, 1.0).mask(4, new Rng(7));
        int top = 14, bottom = -1, left = 14, right = -1;
        for (int i = 0; i < 196; i++) {
            if (!m[i]) continue;
            top = Math.min(top, i / 14);
            bottom = Math.max(bottom, i / 14);
            left = Math.min(left, i % 14);
            right = Math.max(right, i % 14);
        }
        assertEquals(4, count(m));
        assertEquals(1, bottom - top);
        assertEquals(1, right - left);
    }

    @Test
    void batchMasksHalfTheImagesWithRatiosInRange() {
        BlockMasking g = BlockMasking.dinov2(14);
        Tensor masks = g.batch(16, 0.5, 0.1, 0.5, new Rng(3));
        assertEquals(16, masks.size(0));
        assertEquals(196, masks.size(1));
        int nonEmpty = 0;
        for (int i = 0; i < 16; i++) {
            int c = 0;
            for (int k = 0; k < 196; k++) if (masks.getDouble(i, k) != 0) c++;
            if (c > 0) nonEmpty++;
            assertTrue(c <= 98, "image " + i + " masks " + c + " of 196, above ratio 0.5");
            assertTrue(c == 0 || c >= 9, "image " + i + " masks " + c + " of 196, far below ratio 0.1");
        }
        assertEquals(8, nonEmpty, "int(16 * 0.5) images get a mask");
        Tensor again = g.batch(16, 0.5, 0.1, 0.5, new Rng(3));
        assertArrayEquals(masks.toFloatArray(), again.toFloatArray(), "deterministic from the Rng");
    }

    @Test
    void badArgumentsAreRejected() {
        BlockMasking g = BlockMasking.dinov2(4);
        assertThrows(IllegalArgumentException.class, () -> g.mask(17, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> g.batch(4, 0.5, 0.6, 0.5, new Rng(1)));
    }
}
