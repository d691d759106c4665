package dev.loupe.data.transform;

import dev.loupe.data.Image;

/**
 * The rgb -> hsv -> rgb round trip of torchvision's adjust_hue (functional_tensor._rgb2hsv and
 * _hsv2rgb, after Pillow's Convert.c), in float32 with torch's order of operations. h, s, v in [0, 1].
 *
 * <p>Input outside [0, 1] is clamped first, as the reference pipelines' PIL images always are (uint8).
 * A bicubic crop overshoots below 0 next to edges; on such a pixel torch's float path divides by a
 * maximum of 0 (s = inf) and returns NaN, which stopped DINO on 64 px shapes at its first step.
 */
final class Hsv {
    private Hsv() {}

    /** The RGB image with every hue moved by shift turns (mod 1). */
    static Image shiftHue(Image rgb, float shift) {
        int n = rgb.height() * rgb.width();
        float[] p = rgb.pixels(), out = new float[3 * n];
        float[] rgbOut = new float[3];
        for (int i = 0; i < n; i++) {
            float r = unit(p[i]), g = unit(p[n + i]), b = unit(p[2 * n + i]);
            float maxc = Math.max(r, Math.max(g, b)), minc = Math.min(r, Math.min(g, b));
            boolean eqc = maxc == minc;
            float cr = maxc - minc;
            float s = cr / (eqc ? 1f : maxc);
            float crDivisor = eqc ? 1f : cr;
            float rc = (maxc - r) / crDivisor, gc = (maxc - g) / crDivisor, bc = (maxc - b) / crDivisor;
            float hr = maxc == r ? bc - gc : 0f;
            float hg = maxc == g && maxc != r ? 2.0f + rc - bc : 0f;
            float hb = maxc != g && maxc != r ? 4.0f + gc - rc : 0f;
            float h = (hr + hg + hb) / 6.0f + 1.0f;
            h = h % 1.0f; // torch.fmod
            h = remainder(h + shift); // torch's % (remainder): sign of the divisor
            toRgb(h, s, maxc, rgbOut);
            out[i] = rgbOut[0];
            out[n + i] = rgbOut[1];
            out[2 * n + i] = rgbOut[2];
        }
        return new Image(3, rgb.height(), rgb.width(), out);
    }

    /** _hsv2rgb for one pixel, into rgb[0..2]. */
    private static void toRgb(float h, float s, float v, float[] rgb) {
        float h6 = h * 6.0f;
        float fi = (float) Math.floor(h6);
        float f = h6 - fi;
        int i = Math.floorMod((int) fi, 6);
        float p = Math.clamp(v * (1.0f - s), 0f, 1f);
        float q = Math.clamp(v * (1.0f - s * f), 0f, 1f);
        float t = Math.clamp(v * (1.0f - s * (1.0f - f)), 0f, 1f);
        switch (i) {
            case 0 -> set(rgb, v, t, p);
            case 1 -> set(rgb, q, v, p);
            case 2 -> set(rgb, p, v, t);
            case 3 -> set(rgb, p, q, v);
            case 4 -> set(rgb, t, p, v);
            default -> set(rgb, v, p, q);
        }
    }

    private static void set(float[] rgb, float r, float g, float b) {
        rgb[0] = r;
        rgb[1] = g;
        rgb[2] = b;
    }

    private static float unit(float x) {
        return Math.clamp(x, 0f, 1f);
    }

    /** x mod 1 with a non-negative result, as torch.remainder(x, 1.0). */
    private static float remainder(float x) {
        float m = x % 1.0f;
        return m != 0 && m < 0 ? m + 1.0f : m;
    }
}
