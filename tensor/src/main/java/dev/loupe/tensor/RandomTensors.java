package dev.loupe.tensor;

/**
 * Host F32 tensors filled from an {@link Rng} in row-major order, so a seed gives the same tensor on
 * every machine and thread count (the initialisers behind {@link Tensor#rand}, {@link Tensor#randn} and
 * {@link Tensor#truncNormal}).
 */
final class RandomTensors {
    private RandomTensors() {}

    /** Uniform [0, 1). */
    static Tensor uniform(Rng rng, int... shape) {
        Tensor t = Tensor.empty(DType.F32, shape);
        float[] a = ((CpuStorage) t.storage()).f32();
        for (int i = 0; i < a.length; i++) a[i] = rng.nextFloat();
        return t;
    }

    /** Standard normal. */
    static Tensor normal(Rng rng, int... shape) {
        Tensor t = Tensor.empty(DType.F32, shape);
        float[] a = ((CpuStorage) t.storage()).f32();
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        return t;
    }

    /** Normal(0, std) truncated to [lo, hi] (absolute bounds), by inverse-CDF sampling of the truncated range. */
    static Tensor truncatedNormal(Rng rng, double std, double lo, double hi, int... shape) {
        Tensor t = Tensor.empty(DType.F32, shape);
        float[] a = ((CpuStorage) t.storage()).f32();
        double cdfLo = normalCdf(lo / std), cdfHi = normalCdf(hi / std);
        for (int i = 0; i < a.length; i++) {
            double u = cdfLo + rng.nextDouble() * (cdfHi - cdfLo);
            double z = Math.sqrt(2) * InverseErf.erfinv(2 * u - 1);
            a[i] = (float) Math.max(lo, Math.min(hi, z * std));
        }
        return t;
    }

    private static double normalCdf(double z) {
        return 0.5 * (1 + Erf.erf(z / Math.sqrt(2)));
    }
}
