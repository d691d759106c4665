package dev.loupe.tensor.cpu;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * Elementwise unary, binary and where kernels over strided operands already expanded to the output's
 * shape. Runs whose operands all have stride 1 (or stride 0, a broadcast scalar) take the F32 vector
 * kernels of {@link UnaryLoops} and {@link VectorLoops}; any other stride, F64 and the integer types take the scalar loops of
 * {@link ElementwiseScalar}. The package-private overloads with {@code scalar} let tests run the
 * twins directly.
 */
final class CpuElementwise {
    private CpuElementwise() {}

    static void unary(UnaryOp op, Tensor x, Tensor out) {
        unary(op, x, out, KernelMode.SCALAR);
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        binary(op, a, b, out, KernelMode.SCALAR);
    }

    static void unary(UnaryOp op, Tensor x, Tensor out, boolean scalar) {
        if (x.dtype() != out.dtype() || !x.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": needs floating input and output of one dtype, got " + x.dtype()
                    + " " + x.shape() + " -> " + out.dtype() + " " + out.shape());
        }
        requireSameShape(op.name(), x, out);
        StridedLoop loop = StridedLoop.of(x, out);
        int sx = loop.innerStride(0), so = loop.innerStride(1);
        if (x.dtype() == DType.F32) {
            float[] xa = host(x).f32(), oa = host(out).f32();
            boolean vector = !scalar && sx == 1 && so == 1;
            loop.forEachElement((base, n) -> {
                if (vector) {
                    UnaryLoops.map(op, xa, base[0], oa, base[1], n);
                } else {
                    for (int i = 0, p = base[0], q = base[1]; i < n; i++, p += sx, q += so) oa[q] = op.apply(xa[p]);
                }
            });
        } else {
            double[] xa = host(x).f64(), oa = host(out).f64();
            loop.forEachElement((base, n) -> {
                for (int i = 0, p = base[0], q = base[1]; i < n; i++, p += sx, q += so) oa[q] = op.apply(xa[p]);
            });
        }
    }

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out, boolean scalar) {
        DType t = a.dtype();
        DType expectedOut = op.isComparison() ? DType.BOOL : t;
        if (b.dtype() != t || out.dtype() != expectedOut) {
            throw new IllegalArgumentException(op + ": operands " + a.dtype() + " " + a.shape() + " and " + b.dtype()
                    + " " + b.shape() + " must share a dtype, output must be " + expectedOut + ", got " + out.dtype());
        }
        requireSameShape(op.name(), a, out);
        requireSameShape(op.name(), b, out);
        StridedLoop loop = StridedLoop.of(a, b, out);
        int sa = loop.innerStride(0), sb = loop.innerStride(1), so = loop.innerStride(2);
        CpuStorage as = host(a), bs = host(b), os = host(out);
        boolean vector = !scalar && so == 1 && (sa == 0 || sa == 1) && (sb == 0 || sb == 1);
        switch (t) {
            case F32 -> {
                float[] aa = as.f32(), ba = bs.f32();
                if (op.isComparison()) {
                    byte[] oa = os.bool();
                    loop.forEachElement((base, n) -> {
                        if (vector) VectorLoops.compare(op, aa, base[0], sa, ba, base[1], sb, oa, base[2], n);
                        else ElementwiseScalar.compareF32(op, aa, base[0], sa, ba, base[1], sb, oa, base[2], so, n);
                    });
                } else {
                    float[] oa = os.f32();
                    loop.forEachElement((base, n) -> {
                        if (vector) VectorLoops.zip(op, aa, base[0], sa, ba, base[1], sb, oa, base[2], n);
                        else ElementwiseScalar.binaryF32(op, aa, base[0], sa, ba, base[1], sb, oa, base[2], so, n);
                    });
                }
            }
            case F64 -> {
                double[] aa = as.f64(), ba = bs.f64();
                if (op.isComparison()) {
                    byte[] oa = os.bool();
                    loop.forEachElement((base, n) ->
                            ElementwiseScalar.compareF64(op, aa, base[0], sa, ba, base[1], sb, oa, base[2], so, n));
                } else {
                    double[] oa = os.f64();
                    loop.forEachElement((base, n) ->
                            ElementwiseScalar.binaryF64(op, aa, base[0], sa, ba, base[1], sb, oa, base[2], so, n));
                }
            }
            case I32, I64, BOOL ->
                loop.forEachElement((base, n) ->
                        ElementwiseScalar.binaryInteger(op, as, base[0], sa, bs, base[1], sb, os, base[2], so, n));
        }
    }

    /** out = cond ? a : b. cond: BOOL; a, b, out: one dtype; all of out's shape. */
    static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        if (cond.dtype() != DType.BOOL || a.dtype() != out.dtype() || b.dtype() != out.dtype()) {
            throw new IllegalArgumentException("where: needs a BOOL condition and values of the output's dtype, got "
                    + cond.dtype() + ", " + a.dtype() + ", " + b.dtype() + " -> " + out.dtype());
        }
        for (Tensor t : new Tensor[] {cond, a, b}) requireSameShape("where", t, out);
        StridedLoop loop = StridedLoop.of(cond, a, b, out);
        int sc = loop.innerStride(0), sa = loop.innerStride(1), sb = loop.innerStride(2), so = loop.innerStride(3);
        byte[] c = host(cond).bool();
        CpuStorage as = host(a), bs = host(b), os = host(out);
        switch (out.dtype()) {
            case F32 -> {
                float[] aa = as.f32(), ba = bs.f32(), oa = os.f32();
                loop.forEachElement((base, n) -> {
                    for (int i = 0, k = base[0], p = base[1], r = base[2], q = base[3];
                            i < n;
                            i++, k += sc, p += sa, r += sb, q += so) {
                        oa[q] = c[k] != 0 ? aa[p] : ba[r];
                    }
                });
            }
            case F64 -> {
                double[] aa = as.f64(), ba = bs.f64(), oa = os.f64();
                loop.forEachElement((base, n) -> {
                    for (int i = 0, k = base[0], p = base[1], r = base[2], q = base[3];
                            i < n;
                            i++, k += sc, p += sa, r += sb, q += so) {
                        oa[q] = c[k] != 0 ? aa[p] : ba[r];
                    }
                });
            }
            default ->
                loop.forEachElement((base, n) -> {
                    for (int i = 0, k = base[0], p = base[1], r = base[2], q = base[3];
                            i < n;
                            i++, k += sc, p += sa, r += sb, q += so) {
                        os.setLong(q, c[k] != 0 ? as.getLong(p) : bs.getLong(r));
                    }
                });
        }
    }

    static CpuStorage host(Tensor t) {
        if (!(t.storage() instanceof CpuStorage s)) {
            throw new IllegalArgumentException("CPU kernel given a tensor on " + t.device() + ": " + t.shape());
        }
        return s;
    }

    private static void requireSameShape(String op, Tensor t, Tensor out) {
        if (!t.shape().equals(out.shape())) {
            throw new IllegalArgumentException(op + ": operand " + t.shape() + " does not match output " + out.shape());
        }
    }
}
