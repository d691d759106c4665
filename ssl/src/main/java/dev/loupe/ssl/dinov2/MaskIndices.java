package dev.loupe.ssl.dinov2;

import dev.loupe.tensor.Tensor;

/** Positions of the set entries of a BOOL mask (n, N), flattened row-major (torch's masks.flatten().nonzero()). */
public final class MaskIndices {
    private MaskIndices() {}

    /** I64 (M): flat indices i * N + k of the set entries, in order. */
    public static Tensor flat(Tensor masks) {
        int n = masks.size(0), patches = masks.size(1);
        long[] out = new long[count(masks)];
        int at = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < patches; k++) if (masks.getDouble(i, k) != 0) out[at++] = (long) i * patches + k;
        return Tensor.ofLongs(out, out.length);
    }

    /** The number of set entries. */
    public static int count(Tensor masks) {
        int n = masks.size(0), patches = masks.size(1), c = 0;
        for (int i = 0; i < n; i++) for (int k = 0; k < patches; k++) if (masks.getDouble(i, k) != 0) c++;
        return c;
    }
}
