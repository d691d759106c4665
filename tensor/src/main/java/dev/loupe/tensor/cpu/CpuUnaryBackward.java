package dev.loupe.tensor.cpu;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * Fused unary backward: out = gradOut * op'(x) in one pass, so the derivative is never materialised.
 * x, gradOut, out: one shape and one floating dtype, any strides. Runs where all three have stride 1
 * take the F32 vector loops of {@link UnaryBackwardLoops}; F64 and the scalar mode take the scalar
 * definition of {@link UnaryDerivative}. A strided F32 operand (gradients often arrive as transposed
 * views) is copied contiguous first: the copy costs far less than the double-precision scalar
 * derivative on every element.
 */
final class CpuUnaryBackward {
    private CpuUnaryBackward() {}

    static boolean supports(UnaryOp op) {
        return UnaryDerivative.supports(op);
    }

    static void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out) {
        unaryBackward(op, x, gradOut, out, KernelMode.SCALAR);
    }

    static void unaryBackward(UnaryOp op, Tensor x, Tensor gradOut, Tensor out, boolean scalar) {
        String name = op.name().toLowerCase() + "_backward";
        if (!UnaryDerivative.supports(op)) throw new IllegalArgumentException(name + ": no fused derivative for " + op);
        if (!x.dtype().isFloating()
                || gradOut.dtype() != x.dtype()
                || out.dtype() != x.dtype()
                || !x.shape().equals(gradOut.shape())
                || !x.shape().equals(out.shape())) {
            throw new IllegalArgumentException(
                    name + ": x " + x.shape() + " " + x.dtype() + ", gradOut " + gradOut.shape() + " " + gradOut.dtype()
                            + " and out " + out.shape() + " " + out.dtype() + " must be floating and match");
        }
        StridedLoop loop = StridedLoop.of(x, gradOut, out);
        int sx = loop.innerStride(0), sg = loop.innerStride(1), so = loop.innerStride(2);
        boolean unit = sx == 1 && sg == 1 && so == 1;
        if (!scalar
                && !unit
                && x.dtype() == DType.F32
                && loop.innerLength() > 1
                && !(x.isContiguous() && gradOut.isContiguous() && out.isContiguous())) {
            Tensor oc = out.isContiguous() ? out : Tensor.emptyLike(out, out.dtype(), out.sizes());
            unaryBackward(op, x.contiguous(), gradOut.contiguous(), oc, false);
            if (oc != out) out.copyFrom(oc);
            return;
        }
        if (x.dtype() == DType.F32) {
            float[] xa = CpuElementwise.host(x).f32(),
                    ga = CpuElementwise.host(gradOut).f32(),
                    oa = CpuElementwise.host(out).f32();
            boolean vector = !scalar && unit;
            loop.forEachElement((base, n) -> {
                if (vector) {
                    UnaryBackwardLoops.map(op, xa, base[0], ga, base[1], oa, base[2], n);
                } else {
                    for (int i = 0, p = base[0], r = base[1], q = base[2]; i < n; i++, p += sx, r += sg, q += so) {
                        oa[q] = ga[r] * UnaryDerivative.of(op, xa[p]);
                    }
                }
            });
        } else {
            double[] xa = CpuElementwise.host(x).f64(),
                    ga = CpuElementwise.host(gradOut).f64(),
                    oa = CpuElementwise.host(out).f64();
            loop.forEachElement((base, n) -> {
                for (int i = 0, p = base[0], r = base[1], q = base[2]; i < n; i++, p += sx, r += sg, q += so) {
                    oa[q] = ga[r] * UnaryDerivative.of(op, xa[p]);
                }
            });
        }
    }
}
