package dev.loupe.gpu.suite;

import static dev.loupe.gpu.suite.DeviceTwin.same;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Elementwise;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Transfers, copies, fills, unary / binary / where, fused unary backward and AdamW: the test device against the host backend. */
class DeviceElementwiseTest {
    private static final Device GPU = TestDevice.DEVICE;

    @Test
    void transfersCreationAndItem() {
        if (!TestDevice.ready("transfersCreationAndItem")) return;
        Rng rng = new Rng(1);
        Tensor x = DeviceTwin.randn(rng, 5, 7, 3);
        Tensor d = x.to(GPU);
        assertSame(d, d.to(GPU), "to(its own device) returns the tensor itself");
        assertArrayEquals(x.toFloatArray(), d.cpu().toFloatArray());
        // a strided view travels as its elements
        assertArrayEquals(
                x.transpose(0, 2).narrow(1, 2, 4).toFloatArray(),
                x.transpose(0, 2).narrow(1, 2, 4).to(GPU).toFloatArray());
        assertEquals(
                x.getDouble(3, 4, 1),
                d.narrow(0, 3, 1).narrow(1, 4, 1).narrow(2, 1, 1).item(),
                0);
        Tensor z = Tensor.zeros(GPU, DType.F32, 4, 9);
        assertEquals(GPU, z.device());
        assertArrayEquals(new float[36], z.toFloatArray());
        assertArrayEquals(
                new long[] {7, 7, 7}, Tensor.full(GPU, DType.I64, 7, 3).toLongArray());
        for (DType t : DType.values()) {
            Tensor h = DeviceTwin.randn(rng, 6, 5).mul(3).to(t);
            assertArrayEquals(h.toDoubleArray(), h.to(GPU).toDoubleArray(), 0, "round trip of " + t);
        }
        assertThrows(IllegalStateException.class, () -> d.getDouble(0, 0, 0), "element access needs the host");
    }

    @Test
    void copiesConvertAndFill() {
        if (!TestDevice.ready("copiesConvertAndFill")) return;
        Rng rng = new Rng(2);
        Tensor x = DeviceTwin.randn(rng, 7, 5, 3).mul(4);
        same(
                "contiguous of a permuted slice",
                t -> t[0].permute(2, 0, 1).slice(1, 1, 7, 2).contiguous(),
                x);
        same("broadcast copy", t -> t[0].narrow(1, 2, 1).expand(7, 6, 3).contiguous(), x);
        for (DType from : DType.values()) {
            for (DType to : DType.values()) {
                same(
                        "copy " + from + " -> " + to + " (strided)",
                        t -> t[0].to(from).transpose(0, 1).to(to),
                        x);
            }
        }
        same(
                "copyFrom into a narrowed view",
                t -> t[0].copy().narrow(0, 1, 3).copyFrom(t[1]).add(0),
                x,
                DeviceTwin.randn(rng, 3, 5, 3));
        same(
                "fill a strided view",
                t -> {
                    Tensor c = t[0].copy();
                    c.slice(1, 0, 5, 2).fill(-2.5);
                    return c;
                },
                x);
        same("fill I32", t -> t[0].to(DType.I32).transpose(0, 2).fill(-3), x);
        same("fill BOOL", t -> t[0].to(DType.BOOL).narrow(0, 0, 2).fill(1), x);
    }

    @Test
    void everyUnaryOp() {
        if (!TestDevice.ready("everyUnaryOp")) return;
        Rng rng = new Rng(3);
        Tensor any = DeviceTwin.randn(rng, 6, 11, 3).mul(2);
        Tensor positive = DeviceTwin.uniform(rng, 0.1, 4, 6, 11, 3);
        EnumSet<UnaryOp> needPositive = EnumSet.of(UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.LOG, UnaryOp.RECIPROCAL);
        for (UnaryOp op : UnaryOp.values()) {
            Tensor in = needPositive.contains(op) ? positive : any;
            same(op + " F32 (transposed view)", t -> t[0].transpose(0, 2).apply(op), in);
            same(
                    op + " F64 (sliced view)",
                    t -> t[0].to(DType.F64).slice(1, 1, 11, 3).apply(op),
                    in);
        }
    }

    @Test
    void everyBinaryOpWithBroadcasting() {
        if (!TestDevice.ready("everyBinaryOpWithBroadcasting")) return;
        Rng rng = new Rng(4);
        Tensor a = DeviceTwin.randn(rng, 5, 1, 7), b = DeviceTwin.randn(rng, 3, 7);
        Tensor base = DeviceTwin.uniform(rng, 0.2, 3, 7, 5), exponent = DeviceTwin.uniform(rng, -2, 2, 5);
        for (BinaryOp op : BinaryOp.values()) {
            if (op == BinaryOp.POW) {
                same("pow F32 broadcast", t -> t[0].pow(t[1]), base, exponent);
                same(
                        "pow F64 transposed",
                        t -> t[0].mT().to(DType.F64).pow(t[1].unsqueeze(1).to(DType.F64)),
                        base,
                        exponent);
                continue;
            }
            same(op + " F32 broadcast", t -> Elementwise.binary(op, t[0], t[1]), a, b);
            same(
                    op + " F64 transposed",
                    t -> Elementwise.binary(
                            op,
                            t[0].to(DType.F64).squeeze(1).mT(),
                            t[1].to(DType.F64).narrow(0, 1, 1).mT()),
                    a,
                    b);
            Tensor ia = DeviceTwin.ints(rng, 9, DType.I64, 4, 6).sub(4),
                    ib = DeviceTwin.ints(rng, 7, DType.I64, 6).sub(3);
            Tensor safeB = Tensor.where(ib.eq(Tensor.ofLongs(new long[] {0})), Tensor.ofLongs(new long[] {2}), ib);
            same(op + " I64 broadcast", t -> Elementwise.binary(op, t[0], t[1]), ia, safeB);
            same(op + " I32 broadcast", t -> Elementwise.binary(op, t[0].to(DType.I32), t[1].to(DType.I32)), ia, safeB);
            if (op != BinaryOp.DIV) same(op + " BOOL", t -> Elementwise.binary(op, t[0].gt(0), t[1].gt(0)), ia, safeB);
        }
        same(
                "integer pow",
                t -> t[0].pow(t[1]),
                DeviceTwin.ints(rng, 7, DType.I64, 3, 4).sub(3),
                DeviceTwin.ints(rng, 5, DType.I64, 4).sub(1));
        same("scalar operand", t -> t[0].mul(0.5).add(3).div(7).sub(1), a);
        same("clamp", t -> t[0].clamp(-0.5, 0.7), a);
        Tensor nan = Tensor.of(new float[] {Float.NaN, 1, -2, Float.NaN}, 4);
        Tensor other = Tensor.of(new float[] {0, Float.NaN, 3, 4}, 4);
        // x != x marks the NaNs: maximum and minimum put a NaN wherever either operand has one
        same("maximum propagates NaN", t -> t[0].maximum(t[1]).ne(t[0].maximum(t[1])), nan, other);
        same("minimum propagates NaN", t -> t[0].minimum(t[1]).ne(t[0].minimum(t[1])), nan, other);
        same(
                "maximum / minimum elsewhere",
                t -> t[0].maximum(t[1]).add(t[0].minimum(t[1])).narrow(0, 2, 1),
                nan,
                other);
    }

    @Test
    void whereWithBroadcasting() {
        if (!TestDevice.ready("whereWithBroadcasting")) return;
        Rng rng = new Rng(5);
        Tensor c = DeviceTwin.randn(rng, 4, 1, 9), a = DeviceTwin.randn(rng, 3, 9), b = DeviceTwin.randn(rng, 4, 3, 1);
        same("where F32", t -> Tensor.where(t[0].gt(0), t[1], t[2]), c, a, b);
        same(
                "where I64 transposed",
                t -> Tensor.where(
                        t[0].gt(0).mT(),
                        t[1].to(DType.I64).mT(),
                        t[2].to(DType.I64).mT()),
                c,
                a.mul(9),
                b.mul(9));
    }

    @Test
    void fusedUnaryBackward() {
        if (!TestDevice.ready("fusedUnaryBackward")) return;
        Rng rng = new Rng(6);
        Tensor x = DeviceTwin.randn(rng, 9, 13).mul(2), g = DeviceTwin.randn(rng, 13, 9);
        Tensor onDevice = x.to(GPU);
        for (UnaryOp op : UnaryOp.values()) {
            assertEquals(
                    Fused.supportsUnaryBackward(op, x),
                    Fused.supportsUnaryBackward(op, onDevice),
                    op + ": same fused set as the host");
            if (!Fused.supportsUnaryBackward(op, x)) continue;
            same(op + " backward F32 (transposed grad)", t -> Fused.unaryBackward(op, t[0], t[1].mT()), x, g);
            same(
                    op + " backward F64",
                    t -> Fused.unaryBackward(op, t[0].to(DType.F64), t[1].mT().to(DType.F64)),
                    x,
                    g);
        }
    }

    @Test
    void adamwStepInPlace() {
        if (!TestDevice.ready("adamwStepInPlace")) return;
        Rng rng = new Rng(7);
        Tensor p = DeviceTwin.randn(rng, 17, 5), g = DeviceTwin.randn(rng, 17, 5);
        Tensor m = DeviceTwin.randn(rng, 17, 5).mul(0.1), v = DeviceTwin.uniform(rng, 0, 0.1, 17, 5);
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            for (int part = 0; part < 3; part++) {
                int which = part;
                same(
                        "adamw " + dtype + " state " + which,
                        t -> {
                            Tensor pp = t[0].to(dtype), mm = t[2].to(dtype), vv = t[3].to(dtype);
                            for (int step = 1; step <= 3; step++) {
                                Fused.adamwStep(
                                        pp,
                                        t[1].to(dtype),
                                        mm,
                                        vv,
                                        1e-2,
                                        0.9,
                                        0.999,
                                        1e-8,
                                        0.05,
                                        1 - Math.pow(0.9, step),
                                        1 - Math.pow(0.999, step));
                            }
                            return which == 0 ? pp : which == 1 ? mm : vv;
                        },
                        p,
                        g,
                        m,
                        v);
            }
        }
    }
}
