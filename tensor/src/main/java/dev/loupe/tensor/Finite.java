package dev.loupe.tensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * Checks that floating-point tensors hold only finite numbers, so that NaN weights or NaN images are
 * refused where they enter (loading a checkpoint or a weights file, reading feature inputs) with the
 * tensor's name and the first bad index, instead of surfacing much later as NaN features with exit
 * status 0. Integer and boolean tensors are always finite. One pass over the elements, in row-major
 * order; device tensors are copied to the host for it.
 */
public final class Finite {
    private Finite() {}

    /**
     * @param what names the tensor in the message, e.g. {@code "images.npy"}
     * @throws NonFiniteValueException naming {@code what}, the first NaN or infinity and the count
     */
    public static void require(Tensor t, String what) {
        if (t.dtype() != DType.F32 && t.dtype() != DType.F64) return;
        long first = -1, count = 0;
        double firstValue = 0;
        if (t.dtype() == DType.F32) {
            float[] a;
            int from;
            if (t.storage() instanceof CpuStorage s && t.isContiguous()) {
                a = s.f32();
                from = t.offset();
            } else {
                a = t.toFloatArray();
                from = 0;
            }
            for (int i = 0, n = t.numel(); i < n; i++) {
                if (!Float.isFinite(a[from + i])) {
                    if (count++ == 0) {
                        first = i;
                        firstValue = a[from + i];
                    }
                }
            }
        } else {
            double[] a;
            int from;
            if (t.storage() instanceof CpuStorage s && t.isContiguous()) {
                a = s.f64();
                from = t.offset();
            } else {
                a = t.toDoubleArray();
                from = 0;
            }
            for (int i = 0, n = t.numel(); i < n; i++) {
                if (!Double.isFinite(a[from + i])) {
                    if (count++ == 0) {
                        first = i;
                        firstValue = a[from + i];
                    }
                }
            }
        }
        if (count > 0) throw new NonFiniteValueException(what, unravel(first, t.sizes()), firstValue, count, t.numel());
    }

    /**
     * Every tensor of a state dict or safetensors file, in map order.
     *
     * @param file where the tensors came from, named in the message (may be null)
     * @throws NonFiniteValueException for the first tensor with a NaN or infinity, e.g.
     *     "tensor 'head.weight' of runs/a/model.safetensors has NaN at index (3, 17) (the first of 2 non-finite values among 1920)"
     */
    public static void requireAll(Map<String, Tensor> tensors, Path file) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            require(e.getValue(), "tensor '" + e.getKey() + "'" + (file == null ? "" : " of " + file));
        }
    }

    /** The row-major multi-index of flat element {@code flat}. */
    private static int[] unravel(long flat, int[] sizes) {
        int[] index = new int[sizes.length];
        for (int d = sizes.length - 1; d >= 0; d--) {
            index[d] = (int) (flat % sizes[d]);
            flat /= sizes[d];
        }
        return index;
    }
}
