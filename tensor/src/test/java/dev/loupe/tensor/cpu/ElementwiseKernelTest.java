package dev.loupe.tensor.cpu;

import static dev.loupe.tensor.cpu.KernelChecks.SIZES;
import static dev.loupe.tensor.cpu.KernelChecks.assertClose;
import static dev.loupe.tensor.cpu.KernelChecks.assertSameBits;
import static dev.loupe.tensor.cpu.KernelChecks.nonContiguous;
import static dev.loupe.tensor.cpu.KernelChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Erf;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElementwiseKernelTest {
    /** 1-D sizes around the vector width plus 2-D and 3-D shapes. */
    private static List<int[]> shapes() {
        List<int[]> s = new ArrayList<>();
        for (int n : SIZES) s.add(new int[] {n});
        s.add(new int[] {7, 33});
        s.add(new int[] {3, 5, 17});
        s.add(new int[] {2, 40000}); // one coalesced run long enough to be split into blocks
        return s;
    }

    /** Inputs each op is defined on: positive for sqrt / log / rsqrt, spread wide for the rest. */
    private static Tensor inputFor(UnaryOp op, long seed, int[] shape) {
        Tensor x = randn(seed, shape).mul(3.0);
        return switch (op) {
            case SQRT, RSQRT, LOG -> x.abs().add(1e-3);
            default -> x;
        };
    }

    private static Tensor unary(UnaryOp op, Tensor x, boolean scalar) {
        Tensor out = Tensor.empty(x.dtype(), x.sizes());
        CpuElementwise.unary(op, x, out, scalar);
        return out;
    }

    // The vector kernels use the JDK's vector exp / log / tanh / sin / cos / pow (a few ulp) and
    // VectorMath's erf (2e-7 absolute) against double-precision twins rounded to float, so they
    // agree to a few ulp: rel 2e-6 (about 16 ulp) plus abs 3e-7 near zero crossings. Ops without a
    // transcendental are IEEE-exact and must match bit for bit.
    private static final double UNARY_REL = 2e-6, UNARY_ABS = 3e-7;

    @Test
    void everyUnaryOpMatchesItsScalarTwin() {
        long seed = 1;
        for (UnaryOp op : UnaryOp.values()) {
            for (int[] shape : shapes()) {
                Tensor x = inputFor(op, seed++, shape);
                Tensor twin = unary(op, x, true);
                for (Tensor in : new Tensor[] {x, nonContiguous(x)}) {
                    Tensor vec = unary(op, in, false);
                    String what = op + " on " + in.shape() + (in.isContiguous() ? "" : " (strided)");
                    if (exact(op)) assertSameBits(what, twin, vec);
                    else assertClose(what, twin, vec, UNARY_ABS, UNARY_REL);
                }
            }
        }
    }

    private static boolean exact(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SIGN, SQUARE, SQRT, RECIPROCAL, RELU -> true;
            default -> false;
        };
    }

    @Test
    void unaryOpsAgreeOnSpecialValues() {
        float[] special = {
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            0f,
            -0f,
            1e-30f,
            -1e-30f,
            88f,
            -88f,
            100f,
            -100f,
            1f,
            -1f,
            0.5f,
            -0.5f,
            3.9f,
            -3.9f,
            9f,
            -9f
        };
        for (UnaryOp op : UnaryOp.values()) {
            Tensor x = Tensor.of(special.clone());
            Tensor twin = unary(op, x, true), vec = unary(op, x, false);
            assertClose(op + " on special values", twin, vec, UNARY_ABS, UNARY_REL);
        }
    }

    @Test
    void vectorErfIsAccurateOverTheRealLine() {
        int n = 400_001;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = -10f + 20f * i / (n - 1);
        Tensor out = unary(UnaryOp.ERF, Tensor.of(xs), false);
        float[] got = out.toFloatArray();
        double worstAbs = 0, worstRel = 0;
        for (int i = 0; i < n; i++) {
            double ref = Erf.erf(xs[i]);
            worstAbs = Math.max(worstAbs, Math.abs(got[i] - ref));
            if (Math.abs(xs[i]) < 1)
                worstRel = Math.max(worstRel, Math.abs(got[i] - ref) / Math.abs(ref == 0 ? 1 : ref));
        }
        // float itself rounds erf near 1 by up to 3e-8; the approximations add about 1.5e-7.
        assertTrue(worstAbs < 2.5e-7, "erf max abs error " + worstAbs);
        assertTrue(worstRel < 3e-7, "erf max rel error on |x| < 1: " + worstRel);
        float[] tiny = {1e-20f, -1e-20f, 1e-6f};
        float[] gotTiny = unary(UnaryOp.ERF, Tensor.of(tiny), false).toFloatArray();
        for (int i = 0; i < tiny.length; i++) assertEquals(Erf.erf(tiny[i]), gotTiny[i], Math.abs(tiny[i]) * 3e-7);
    }

    @Test
    void activationsHaveKnownValues() {
        Tensor x = Tensor.of(new float[] {-1f, 0f, 1f, 2f});
        // torch.nn.functional.gelu / gelu(approximate='tanh') / sigmoid / silu in float64
        assertClose(
                "gelu",
                Tensor.of(new double[] {-0.15865525393145707, 0, 0.8413447460685429, 1.9544997361036416}),
                x.gelu(),
                1e-6,
                1e-6);
        assertClose(
                "gelu_tanh",
                Tensor.of(new double[] {-0.15880800939172324, 0, 0.8411919906082768, 1.9545976940260357}),
                x.geluTanh(),
                1e-6,
                1e-6);
        assertClose(
                "sigmoid",
                Tensor.of(new double[] {0.2689414213699951, 0.5, 0.7310585786300049, 0.8807970779778823}),
                x.sigmoid(),
                1e-7,
                1e-6);
        assertClose(
                "silu",
                Tensor.of(new double[] {-0.2689414213699951, 0, 0.7310585786300049, 1.7615941559557646}),
                x.apply(UnaryOp.SILU),
                1e-7,
                1e-6);
        assertClose(
                "gelu tail",
                Tensor.of(new double[] {-0.5 * 6 * 1.9731752898266e-9}),
                Tensor.of(new float[] {-6f}).gelu(),
                0,
                1e-5);
    }

    @Test
    void arithmeticMatchesTwinBitForBitUnderBroadcasting() {
        long seed = 100;
        for (BinaryOp op :
                new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAX, BinaryOp.MIN}) {
            for (int n : SIZES) {
                for (int[][] pair : new int[][][] {
                    {{n}, {n}}, {{5, n}, {n}}, {{5, n}, {5, 1}}, {{n}, {}}, {{}, {n}}, {{3, 1, n}, {4, 1}}
                }) {
                    Tensor a = randn(seed++, pair[0]), b = randn(seed++, pair[1]);
                    checkBinary(op, a, b);
                    if (a.rank() >= 1 && a.numel() > 0) checkBinary(op, nonContiguous(a), b);
                }
            }
        }
    }

    private static void checkBinary(BinaryOp op, Tensor a, Tensor b) {
        Tensor vec = dev.loupe.tensor.Elementwise.binary(op, a, b);
        int[] shape = vec.sizes();
        Tensor twin = Tensor.empty(vec.dtype(), shape);
        CpuElementwise.binary(op, a.expand(shape), b.expand(shape), twin, true);
        assertSameBits(op + " " + a.shape() + " with " + b.shape(), twin, vec);
    }

    @Test
    void powMatchesTwin() {
        for (int n : SIZES) {
            Tensor a = randn(7 + n, n).abs().add(0.1), b = randn(8 + n, n);
            Tensor vec = a.pow(b);
            Tensor twin = Tensor.empty(DType.F32, n);
            CpuElementwise.binary(BinaryOp.POW, a, b, twin, true);
            assertClose("pow n=" + n, twin, vec, 0, UNARY_REL);
        }
        assertClose(
                "pow integral exponent",
                Tensor.of(new float[] {-8f, 0.25f, 1f}),
                Tensor.of(new float[] {-2f, 2f, 0f}).pow(Tensor.of(new float[] {3f, -2f, 0f})),
                0,
                1e-7);
    }

    @Test
    void maxAndMinPropagateNaN() {
        Tensor a = Tensor.of(new float[] {Float.NaN, 1f, 2f, -0f});
        Tensor b = Tensor.of(new float[] {1f, Float.NaN, 3f, 0f});
        float[] mx = a.maximum(b).toFloatArray(), mn = a.minimum(b).toFloatArray();
        assertTrue(Float.isNaN(mx[0]) && Float.isNaN(mx[1]) && Float.isNaN(mn[0]) && Float.isNaN(mn[1]));
        assertEquals(3f, mx[2]);
        assertEquals(2f, mn[2]);
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(mx[3]), "max(-0, 0) is +0");
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(mn[3]), "min(-0, 0) is -0");
    }

    @Test
    void comparisonsWriteBoolAndMatchTwin() {
        long seed = 500;
        for (BinaryOp op :
                new BinaryOp[] {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE}) {
            for (int n : SIZES) {
                // rounded values make ties common, so EQ / LE / GE see both answers
                Tensor a = randn(seed++, 4, n)
                        .mul(2.0)
                        .add(100)
                        .apply(UnaryOp.EXP)
                        .log()
                        .sub(100);
                Tensor b = randn(seed++, n);
                a = Tensor.of(roundAll(a.toFloatArray()), 4, n);
                b = Tensor.of(roundAll(b.toFloatArray()), n);
                Tensor vec = dev.loupe.tensor.Elementwise.binary(op, a, b);
                assertEquals(DType.BOOL, vec.dtype());
                Tensor twin = Tensor.empty(DType.BOOL, 4, n);
                CpuElementwise.binary(op, a, b.expand(4, n), twin, true);
                assertArrayEquals(twin.toLongArray(), vec.toLongArray(), op + " n=" + n);
            }
        }
        Tensor nan = Tensor.of(new float[] {Float.NaN, 1f});
        assertArrayEquals(
                new long[] {0, 1},
                nan.eq(Tensor.of(new float[] {Float.NaN, 1f})).toLongArray());
        assertArrayEquals(
                new long[] {1, 0},
                nan.ne(Tensor.of(new float[] {Float.NaN, 1f})).toLongArray());
        assertArrayEquals(new long[] {0, 1}, nan.gt(0.5).toLongArray());
    }

    private static float[] roundAll(float[] v) {
        for (int i = 0; i < v.length; i++) v[i] = Math.round(v[i]);
        return v;
    }

    @Test
    void f32WithF64PromotesToF64() {
        Tensor a = Tensor.of(new float[] {0.1f, 2f}), b = Tensor.of(new double[] {0.2, 3});
        Tensor c = a.add(b);
        assertEquals(DType.F64, c.dtype());
        assertArrayEquals(new double[] {(double) 0.1f + 0.2, 5}, c.toDoubleArray());
        Tensor d = b.mul(a.to(DType.F64)).gelu();
        assertEquals(DType.F64, d.dtype());
        assertEquals(UnaryOp.GELU.apply((double) 0.1f * 0.2), d.toDoubleArray()[0], 0);
    }

    @Test
    void badBroadcastNamesBothShapes() {
        Tensor a = Tensor.zeros(3, 4), b = Tensor.zeros(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("(3, 4)") && e.getMessage().contains("(5,)"), e.getMessage());
        assertTrue(e.getMessage().contains("add"), e.getMessage());
    }

    @Test
    void integerArithmeticIsExact() {
        long big = (1L << 53) + 1;
        Tensor a = Tensor.ofLongs(new long[] {big, -7, 7, 5}), b = Tensor.ofLongs(new long[] {1, 2, -2, 5});
        assertArrayEquals(new long[] {big + 1, -5, 5, 10}, a.add(b).toLongArray());
        assertArrayEquals(new long[] {big, -4, -4, 1}, a.div(b).toLongArray(), "floor division");
        assertArrayEquals(new long[] {1, 0, 1, 0}, a.gt(b).toLongArray());
        assertEquals(DType.BOOL, a.gt(b).dtype());
        Tensor i = Tensor.ofInts(new int[] {Integer.MAX_VALUE, 3}, 2);
        assertArrayEquals(
                new long[] {Integer.MIN_VALUE, 4},
                i.add(Tensor.ofInts(new int[] {1, 1}, 2)).toLongArray(),
                "int32 wraps");
        assertThrows(ArithmeticException.class, () -> a.div(Tensor.ofLongs(new long[] {0, 1, 1, 1})));
    }

    @Test
    void whereSelectsUnderBroadcasting() {
        Tensor x = randn(9, 3, 17);
        Tensor cond = x.gt(0.0);
        Tensor y = Tensor.where(cond, x, Tensor.scalar(-1f));
        float[] xv = x.toFloatArray(), yv = y.toFloatArray();
        for (int i = 0; i < xv.length; i++) assertEquals(xv[i] > 0 ? xv[i] : -1f, yv[i]);
        Tensor z = Tensor.where(cond.narrow(0, 0, 1), Tensor.ofLongs(new long[] {7}), Tensor.ofLongs(new long[] {-7}));
        assertEquals(DType.I64, z.dtype());
        assertEquals(xv[5] > 0 ? 7 : -7, z.getLong(0, 5));
    }
}
