package dev.loupe.tensor.dist;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;

/** Copies between contiguous host tensors (F32 / F64) and plain arrays, and the rank-ordered sums of the in-process transport. */
final class HostArrays {
    private HostArrays() {}

    /** A copy of the tensor's elements: float[] for F32, double[] for F64. */
    static Object snapshot(Tensor t) {
        CpuStorage s = storage(t);
        int from = t.offset(), n = t.numel();
        return t.dtype() == DType.F32
                ? java.util.Arrays.copyOfRange(s.f32(), from, from + n)
                : java.util.Arrays.copyOfRange(s.f64(), from, from + n);
    }

    /** Writes src[srcFrom, srcFrom + t.numel()) into t. */
    static void write(Object src, int srcFrom, Tensor t) {
        CpuStorage s = storage(t);
        Object dst = t.dtype() == DType.F32 ? s.f32() : s.f64();
        System.arraycopy(src, srcFrom, dst, t.offset(), t.numel());
    }

    /**
     * out[i] = inputs[0][from + i] + inputs[1][from + i] + ... in rank order (then / ranks for
     * AVERAGE), so every rank computes bitwise the same values.
     */
    static Object reduce(Object[] inputs, int from, int n, Reduction op) {
        int ranks = inputs.length;
        if (inputs[0] instanceof float[]) {
            float[] out = new float[n];
            for (Object in : inputs) {
                float[] a = (float[]) in;
                for (int i = 0; i < n; i++) out[i] += a[from + i];
            }
            if (op == Reduction.AVERAGE) for (int i = 0; i < n; i++) out[i] /= ranks;
            return out;
        }
        double[] out = new double[n];
        for (Object in : inputs) {
            double[] a = (double[]) in;
            for (int i = 0; i < n; i++) out[i] += a[from + i];
        }
        if (op == Reduction.AVERAGE) for (int i = 0; i < n; i++) out[i] /= ranks;
        return out;
    }

    private static CpuStorage storage(Tensor t) {
        if (!t.device().equals(Device.CPU)) {
            throw new IllegalArgumentException(
                    "the in-process communicator moves host tensors only, got one on " + t.device());
        }
        return (CpuStorage) t.storage();
    }
}
