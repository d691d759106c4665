package dev.loupe.data.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.Image;
import org.junit.jupiter.api.Test;

/**
 * adjust_hue on pixels a bicubic crop pushed out of [0, 1]: the input is clamped as a PIL image's would
 * be. Torch's float path returns NaN for a pixel whose largest channel is 0 and smallest negative
 * (saturation = cr / 0); that NaN reached DINO's loss at the first step on 64 px coloured shapes.
 */
class HueRangeTest {
    @Test
    void overshootIsClampedAndStaysFinite() {
        // pixels (r, g, b): max 0 with negative others (the NaN case), above 1, and in range
        float[] r = {0f, 1.04f, 0.6f}, g = {-0.05f, 0.3f, 0.2f}, b = {-0.02f, -0.01f, 0.9f};
        Image overshot = rgb(r, g, b);
        Image clamped = rgb(new float[] {0f, 1f, 0.6f}, new float[] {0f, 0.3f, 0.2f}, new float[] {0f, 0f, 0.9f});
        for (double shift : new double[] {-0.5, -0.1, 0.0, 0.07, 0.5}) {
            Image out = ColorAdjust.hue(overshot, shift);
            for (float p : out.pixels())
                assertTrue(Float.isFinite(p) && p >= 0 && p <= 1, "pixel " + p + " at " + shift);
            assertEquals(ColorAdjust.hue(clamped, shift), out, "shift " + shift);
        }
    }

    private static Image rgb(float[] r, float[] g, float[] b) {
        int n = r.length;
        float[] p = new float[3 * n];
        System.arraycopy(r, 0, p, 0, n);
        System.arraycopy(g, 0, p, n, n);
        System.arraycopy(b, 0, p, 2 * n, n);
        return new Image(3, 1, n, p);
    }
}
