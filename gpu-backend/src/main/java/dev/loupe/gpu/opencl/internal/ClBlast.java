package dev.loupe.gpu.opencl.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.loupe.gpu.common.Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * FFM binding of CLBlast's strided-batched GEMM (clblast_c.h), single and double precision, row-major.
 * Offsets, leading dimensions and batch strides are in elements. The call is enqueued on the given
 * queue (CLBlast takes a pointer to the queue handle) and returns without waiting.
 */
public final class ClBlast {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private final MethodHandle sgemm, dgemm;

    private ClBlast(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        sgemm = linker.downcallHandle(lib.find("CLBlastSgemmStridedBatched").orElseThrow(), descriptor(JAVA_FLOAT));
        dgemm = linker.downcallHandle(lib.find("CLBlastDgemmStridedBatched").orElseThrow(), descriptor(JAVA_DOUBLE));
    }

    private static FunctionDescriptor descriptor(java.lang.foreign.ValueLayout scalar) {
        return FunctionDescriptor.of(
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, scalar, ADDRESS, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, scalar, ADDRESS, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
    }

    /** Loads libclblast.so.1 (or -Dloupe.clblast.path); throws {@link ClUnavailableException} when absent. */
    public static ClBlast load() {
        try {
            return new ClBlast(SymbolLookup.libraryLookup(
                    System.getProperty("loupe.clblast.path", "libclblast.so.1"), Arena.global()));
        } catch (IllegalArgumentException e) {
            throw new ClUnavailableException("no CLBlast (libclblast.so.1: install libclblast1)");
        }
    }

    /** C = alpha op(A) op(B) + beta C for each of {@code batch} matrices; C is never transposed. */
    public void gemm(
            boolean f64,
            MemorySegment queue,
            long m,
            long n,
            long k,
            double alpha,
            Gemm.Operand a,
            Gemm.Operand b,
            double beta,
            Gemm.Operand c,
            long batch) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocateFrom(ADDRESS, queue);
            int ta = a.transposed() ? TRANS : NO_TRANS, tb = b.transposed() ? TRANS : NO_TRANS;
            int rc = f64
                    ? (int) dgemm.invokeExact(
                            ROW_MAJOR,
                            ta,
                            tb,
                            m,
                            n,
                            k,
                            alpha,
                            a.mem(),
                            a.offset(),
                            a.ld(),
                            a.batchStride(),
                            b.mem(),
                            b.offset(),
                            b.ld(),
                            b.batchStride(),
                            beta,
                            c.mem(),
                            c.offset(),
                            c.ld(),
                            c.batchStride(),
                            batch,
                            q,
                            MemorySegment.NULL)
                    : (int) sgemm.invokeExact(
                            ROW_MAJOR,
                            ta,
                            tb,
                            m,
                            n,
                            k,
                            (float) alpha,
                            a.mem(),
                            a.offset(),
                            a.ld(),
                            a.batchStride(),
                            b.mem(),
                            b.offset(),
                            b.ld(),
                            b.batchStride(),
                            (float) beta,
                            c.mem(),
                            c.offset(),
                            c.ld(),
                            c.batchStride(),
                            batch,
                            q,
                            MemorySegment.NULL);
            if (rc != 0) {
                throw new ClException(
                        (f64 ? "CLBlastDgemmStridedBatched" : "CLBlastSgemmStridedBatched") + "(m " + m + ", n " + n
                                + ", k " + k + ", batch " + batch + ")",
                        rc,
                        ClErrors.clblastName(rc),
                        null);
            }
        } catch (Throwable t) {
            throw Cl.rethrow(t);
        }
    }
}
