package dev.loupe.gpu.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Shape;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.testing.TensorAssert;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Runs one op on the host backend (the oracle) and on the test device with the same inputs, and
 * compares: floating results within 1e-5 of the expected tensor's scale (max |expected|, the golden
 * tests' rule for two float32 implementations summing in different orders), integer and BOOL results exactly.
 */
public final class DeviceTwin {
    public static final double RTOL = 1e-5;

    private DeviceTwin() {}

    /** op applied to the host inputs and to their device copies; the results must agree. */
    public static void same(String what, Function<Tensor[], Tensor> op, Tensor... hostInputs) {
        Tensor expected = op.apply(hostInputs);
        Tensor[] onDevice = Arrays.stream(hostInputs)
                .map(t -> t == null ? null : t.to(TestDevice.DEVICE))
                .toArray(Tensor[]::new);
        Tensor actual = op.apply(onDevice);
        assertEquals(TestDevice.DEVICE, actual.device(), what + ": result device");
        agree(what, expected, actual);
    }

    public static void agree(String what, Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertArrayEquals(expected.sizes(), actual.sizes(), what + ": shape");
        if (expected.dtype().isFloating()) TensorAssert.assertCloseToScale(what, expected, actual.cpu(), RTOL);
        else assertArrayEquals(expected.toLongArray(), actual.toLongArray(), what);
    }

    /** Standard normal F32 of the given shape. */
    public static Tensor randn(Rng rng, int... shape) {
        return Tensor.randn(rng, shape);
    }

    /** Uniform in [lo, hi) F32. */
    public static Tensor uniform(Rng rng, double lo, double hi, int... shape) {
        return Tensor.rand(rng, shape).mul(hi - lo).add(lo);
    }

    /** Random integers in [0, bound) as dtype (I32 or I64). */
    public static Tensor ints(Rng rng, int bound, DType dtype, int... shape) {
        long[] v = new long[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(bound);
        return Tensor.ofLongs(v, shape).to(dtype);
    }
}
