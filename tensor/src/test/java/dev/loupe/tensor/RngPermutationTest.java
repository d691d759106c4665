package dev.loupe.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Rng.permutation: a permutation, fixed by the seed, and Fisher-Yates in the documented draw order. */
class RngPermutationTest {
    @Test
    void isAPermutationFixedByTheSeed() {
        int[] p = new Rng(3).permutation(50);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) assertEquals(i, sorted[i]);
        assertArrayEquals(p, new Rng(3).permutation(50));
        assertFalse(Arrays.equals(p, new Rng(4).permutation(50)));
        assertArrayEquals(new int[0], new Rng(3).permutation(0));
        assertArrayEquals(new int[] {0}, new Rng(3).permutation(1));
    }

    @Test
    void drawsNextIntFromTheLastPositionDown() {
        Rng draws = new Rng(11);
        int[] expected = {0, 1, 2, 3, 4};
        for (int i = 4; i > 0; i--) {
            int j = draws.nextInt(i + 1);
            int t = expected[i];
            expected[i] = expected[j];
            expected[j] = t;
        }
        assertArrayEquals(expected, new Rng(11).permutation(5));
    }
}
