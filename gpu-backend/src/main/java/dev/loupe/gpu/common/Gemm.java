package dev.loupe.gpu.common;

import java.lang.foreign.MemorySegment;

/** A strided-batched, row-major GEMM enqueued on a device's queue (CLBlast, cuBLAS). Offsets, leading dimensions and batch strides are in elements. */
public interface Gemm {
    /** One matrix operand: buffer, element offset, leading dimension, batch stride, and whether it is read transposed. */
    record Operand(MemorySegment mem, long offset, long ld, long batchStride, boolean transposed) {}

    /** C = alpha op(A) op(B) + beta C for each of {@code batch} matrices; C is never transposed. */
    void gemm(
            boolean f64,
            long m,
            long n,
            long k,
            double alpha,
            Operand a,
            Operand b,
            double beta,
            Operand c,
            long batch);
}
