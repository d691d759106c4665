package dev.loupe.tensor.cpu;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;

/**
 * Backend matmul: maps strided views onto {@link Gemm}'s (transposed) leading-dimension operands
 * without copying, and runs F64 through a plain loop (the gradcheck reference, not a fast path).
 */
final class CpuMatmul {
    private CpuMatmul() {}

    /** A matrix operand as Gemm reads it: storage view, whether it is read transposed, leading dim. */
    private record Operand(Tensor t, boolean trans, int ld) {
        /**
         * x: (batch..., R, C). Row-major when its last stride is 1; column-major (a transposed view)
         * when its second-to-last stride is 1; anything else is copied to contiguous first.
         */
        static Operand of(Tensor x) {
            if (x.stride(-1) == 1) return new Operand(x, false, x.stride(-2));
            if (x.stride(-2) == 1) return new Operand(x, true, x.stride(-1));
            Tensor c = x.contiguous();
            return new Operand(c, false, c.stride(-2));
        }
    }

    /** Whether {@link #matmulBias} runs these operands (F32 only; F64 takes the SPI's composite). */
    static boolean fusesBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        return a.dtype() == DType.F32
                && b.dtype() == DType.F32
                && bias.dtype() == DType.F32
                && out.dtype() == DType.F32;
    }

    /**
     * out = bias + a @ b, each fma chain starting from the bias. F32 (see {@link #fusesBias}).
     * a: (M, K), b: (K, N), bias: (N), out: contiguous (M, N).
     */
    static void matmulBias(Tensor a, Tensor b, Tensor bias, Tensor out) {
        int m = out.size(0), n = out.size(1), k = a.size(1);
        if (out.numel() == 0) return;
        Operand oa = Operand.of(a), ob = Operand.of(b);
        Tensor bc = bias.contiguous();
        float[] av = ((CpuStorage) oa.t().storage()).f32(),
                bv = ((CpuStorage) ob.t().storage()).f32();
        float[] cv = ((CpuStorage) out.storage()).f32(), biasv = ((CpuStorage) bc.storage()).f32();
        int aOff = oa.t().offset(), bOff = ob.t().offset();
        if (KernelMode.SCALAR) {
            GemmScalar.gemmBias(
                    oa.trans(),
                    ob.trans(),
                    m,
                    n,
                    k,
                    av,
                    aOff,
                    oa.ld(),
                    bv,
                    bOff,
                    ob.ld(),
                    cv,
                    out.offset(),
                    n,
                    biasv,
                    bc.offset());
        } else {
            Gemm.gemmBias(
                    oa.trans(),
                    ob.trans(),
                    m,
                    n,
                    k,
                    av,
                    aOff,
                    oa.ld(),
                    bv,
                    bOff,
                    ob.ld(),
                    cv,
                    out.offset(),
                    n,
                    biasv,
                    bc.offset());
        }
    }

    /**
     * out = (bias + a @ b) + residual, F32 (see {@link #fusesBias}). a: (M, K), b: (K, N), bias: (N),
     * residual: (M, N), out: contiguous (M, N). The vector path adds the residual to each GEMM output
     * block in cache ({@link FusedGemm#gemmBiasAdd}); the scalar twin is the scalar GEMM then the add.
     */
    static void matmulBiasAdd(Tensor a, Tensor b, Tensor bias, Tensor residual, Tensor out) {
        int m = out.size(0), n = out.size(1), k = a.size(1);
        if (out.numel() == 0) return;
        Tensor rc = residual.contiguous();
        float[] cv = ((CpuStorage) out.storage()).f32(), rv = ((CpuStorage) rc.storage()).f32();
        if (KernelMode.SCALAR) {
            matmulBias(a, b, bias, out); // the scalar GEMM
            for (int i = 0, ci = out.offset(), ri = rc.offset(); i < m * n; i++) cv[ci + i] += rv[ri + i];
            return;
        }
        Operand oa = Operand.of(a), ob = Operand.of(b);
        Tensor bc = bias.contiguous();
        float[] av = ((CpuStorage) oa.t().storage()).f32(),
                bv = ((CpuStorage) ob.t().storage()).f32();
        float[] biasv = ((CpuStorage) bc.storage()).f32();
        FusedGemm.gemmBiasAdd(
                oa.trans(),
                ob.trans(),
                m,
                n,
                k,
                av,
                oa.t().offset(),
                oa.ld(),
                bv,
                ob.t().offset(),
                ob.ld(),
                cv,
                out.offset(),
                n,
                biasv,
                bc.offset(),
                rv,
                rc.offset());
    }

    /**
     * out = op(bias + a @ b), and pre = bias + a @ b when pre is not null; F32 (see {@link #fusesBias}).
     * a: (M, K), b: (K, N), bias: (N), pre and out: contiguous (M, N). The vector path applies op to
     * each GEMM output block in cache ({@link FusedGemm#gemmBiasUnary}); the scalar twin is the scalar GEMM then
     * op's scalar definition.
     */
    static void matmulBiasUnary(UnaryOp op, Tensor a, Tensor b, Tensor bias, Tensor pre, Tensor out) {
        int m = out.size(0), n = out.size(1), k = a.size(1);
        if (out.numel() == 0) return;
        Tensor z = pre == null ? out : pre;
        Operand oa = Operand.of(a), ob = Operand.of(b);
        Tensor bc = bias.contiguous();
        float[] av = ((CpuStorage) oa.t().storage()).f32(),
                bv = ((CpuStorage) ob.t().storage()).f32();
        float[] zv = ((CpuStorage) z.storage()).f32(), ov = ((CpuStorage) out.storage()).f32();
        float[] biasv = ((CpuStorage) bc.storage()).f32();
        int aOff = oa.t().offset(), bOff = ob.t().offset();
        if (KernelMode.SCALAR) {
            GemmScalar.gemmBias(
                    oa.trans(),
                    ob.trans(),
                    m,
                    n,
                    k,
                    av,
                    aOff,
                    oa.ld(),
                    bv,
                    bOff,
                    ob.ld(),
                    zv,
                    z.offset(),
                    n,
                    biasv,
                    bc.offset());
            for (int i = 0, zi = z.offset(), oi = out.offset(); i < m * n; i++) ov[oi + i] = op.apply(zv[zi + i]);
        } else {
            FusedGemm.gemmBiasUnary(
                    oa.trans(),
                    ob.trans(),
                    m,
                    n,
                    k,
                    av,
                    aOff,
                    oa.ld(),
                    bv,
                    bOff,
                    ob.ld(),
                    zv,
                    z.offset(),
                    n,
                    biasv,
                    bc.offset(),
                    op,
                    ov,
                    out.offset());
        }
    }

    /**
     * out = (a @ b) * op'(x), F32. a: (M, K), b: (K, N), x: (M, N), out: contiguous (M, N). The vector
     * path applies the derivative to each GEMM output block in cache ({@link FusedGemm#gemmUnaryBackward});
     * the scalar twin is the scalar GEMM then {@link UnaryDerivative}.
     */
    static void matmulUnaryBackward(UnaryOp op, Tensor a, Tensor b, Tensor x, Tensor out) {
        int m = out.size(0), n = out.size(1), k = a.size(1);
        if (out.numel() == 0) return;
        Operand oa = Operand.of(a), ob = Operand.of(b);
        Tensor xc = x.contiguous();
        float[] av = ((CpuStorage) oa.t().storage()).f32(),
                bv = ((CpuStorage) ob.t().storage()).f32();
        float[] cv = ((CpuStorage) out.storage()).f32(), xv = ((CpuStorage) xc.storage()).f32();
        int aOff = oa.t().offset(), bOff = ob.t().offset();
        if (KernelMode.SCALAR) {
            GemmScalar.gemm(
                    oa.trans(), ob.trans(), m, n, k, av, aOff, oa.ld(), bv, bOff, ob.ld(), cv, out.offset(), n, false);
            for (int i = 0, ci = out.offset(), xi = xc.offset(); i < m * n; i++)
                cv[ci + i] *= UnaryDerivative.of(op, xv[xi + i]);
        } else {
            FusedGemm.gemmUnaryBackward(
                    oa.trans(),
                    ob.trans(),
                    m,
                    n,
                    k,
                    av,
                    aOff,
                    oa.ld(),
                    bv,
                    bOff,
                    ob.ld(),
                    cv,
                    out.offset(),
                    n,
                    op,
                    xv,
                    xc.offset());
        }
    }

    /** a: (batch..., M, K), b: (batch..., K, N), both expanded to out's batch dims; out: contiguous (batch..., M, N). */
    static void matmul(Tensor a, Tensor b, Tensor out) {
        int rank = out.rank();
        int m = out.size(-2), n = out.size(-1), k = a.size(-1);
        if (out.numel() == 0) return;
        if (a.dtype() == DType.F64) {
            matmulF64(a, b, out, m, n, k);
            return;
        }
        if (a.dtype() != DType.F32 || b.dtype() != DType.F32 || out.dtype() != DType.F32) {
            throw new IllegalArgumentException("matmul: unsupported dtypes " + a.dtype() + " " + a.shape() + " and "
                    + b.dtype() + " " + b.shape());
        }
        Operand oa = Operand.of(a), ob = Operand.of(b);
        int batch = out.numel() / (m * n);
        int[] aOffs = batchOffsets(oa.t(), rank - 2, batch), bOffs = batchOffsets(ob.t(), rank - 2, batch);
        int[] cOffs = new int[batch];
        for (int e = 0; e < batch; e++) cOffs[e] = out.offset() + e * m * n;
        float[] av = ((CpuStorage) oa.t().storage()).f32(),
                bv = ((CpuStorage) ob.t().storage()).f32();
        float[] cv = ((CpuStorage) out.storage()).f32();
        if (KernelMode.SCALAR) {
            GemmScalar.gemmBatched(
                    batch,
                    oa.trans(),
                    ob.trans(),
                    m,
                    n,
                    k,
                    av,
                    aOffs,
                    oa.ld(),
                    bv,
                    bOffs,
                    ob.ld(),
                    cv,
                    cOffs,
                    n,
                    false);
        } else {
            Gemm.gemmBatched(
                    batch,
                    oa.trans(),
                    ob.trans(),
                    m,
                    n,
                    k,
                    av,
                    aOffs,
                    oa.ld(),
                    bv,
                    bOffs,
                    ob.ld(),
                    cv,
                    cOffs,
                    n,
                    false);
        }
    }

    /** Storage offset of each matrix of x over its first {@code dims} (batch) dims, in row-major batch order. */
    private static int[] batchOffsets(Tensor x, int dims, int batch) {
        int[] offs = new int[batch];
        int[] idx = new int[dims];
        int off = x.offset();
        for (int e = 0; e < batch; e++) {
            offs[e] = off;
            for (int d = dims - 1; d >= 0; d--) {
                off += x.stride(d);
                if (++idx[d] < x.size(d)) break;
                off -= idx[d] * x.stride(d);
                idx[d] = 0;
            }
        }
        return offs;
    }

    // Double precision: out[e](i, j) = sum over p in increasing order of a[e](i, p) * b[e](p, j).
    private static void matmulF64(Tensor a, Tensor b, Tensor out, int m, int n, int k) {
        double[] av = ((CpuStorage) a.storage()).f64(), bv = ((CpuStorage) b.storage()).f64();
        double[] cv = ((CpuStorage) out.storage()).f64();
        int dims = out.rank() - 2, batch = out.numel() / (m * n);
        int[] aOffs = batchOffsets(a, dims, batch), bOffs = batchOffsets(b, dims, batch);
        int sai = a.stride(-2), sap = a.stride(-1), sbp = b.stride(-2), sbj = b.stride(-1);
        for (int e = 0; e < batch; e++) {
            int co = out.offset() + e * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0, ai = aOffs[e] + i * sai, bi = bOffs[e] + j * sbj;
                            p < k;
                            p++, ai += sap, bi += sbp) {
                        s += av[ai] * bv[bi];
                    }
                    cv[co + i * n + j] = s;
                }
            }
        }
    }
}
