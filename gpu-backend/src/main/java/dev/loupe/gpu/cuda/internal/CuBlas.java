package dev.loupe.gpu.cuda.internal;

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
 * FFM binding of cuBLAS (libcublas.so.*) as a row-major {@link Gemm} on one stream. cuBLAS is
 * column-major, and a row-major matrix read column-major is its transpose, so C = op(A) op(B) is
 * computed as C^T = op(B)^T op(A)^T: the operands swap places and m and n swap. With TF32 on
 * (-Dloupe.cuda.tf32=true) single-precision products go through cublasGemmEx with
 * CUBLAS_COMPUTE_32F_FAST_TF32 (batch 1) or under CUBLAS_TF32_TENSOR_OP_MATH (batched).
 */
public final class CuBlas implements Gemm {
    private static final int OP_N = 0,
            OP_T = 1,
            TF32_TENSOR_OP_MATH = 3,
            R_32F = 0,
            COMPUTE_32F_FAST_TF32 = 77,
            GEMM_DEFAULT = -1;
    private final MethodHandle sgemm, dgemm, gemmEx;
    private final MemorySegment handle;
    private final boolean tf32;

    private CuBlas(SymbolLookup lib, MemorySegment stream, boolean tf32) {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor batched = FunctionDescriptor.of(
                JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT,
                JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT);
        sgemm = bind(linker, lib, "cublasSgemmStridedBatched", batched);
        dgemm = bind(linker, lib, "cublasDgemmStridedBatched", batched);
        gemmEx = bind(
                linker,
                lib,
                "cublasGemmEx",
                FunctionDescriptor.of(
                        JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG,
                        JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                        JAVA_INT, JAVA_INT));
        MethodHandle create = bind(linker, lib, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle setStream =
                bind(linker, lib, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle setMathMode =
                bind(linker, lib, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.tf32 = tf32;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invokeExact(h));
            handle = h.get(ADDRESS, 0);
            check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream));
            if (tf32) check("cublasSetMathMode(TF32)", (int) setMathMode.invokeExact(handle, TF32_TENSOR_OP_MATH));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        return linker.downcallHandle(
                lib.find(name).orElseThrow(() -> new CudaUnavailableException("libcublas has no symbol " + name)), fd);
    }

    /** cuBLAS on {@code stream} (of the current context); throws {@link CudaUnavailableException} when libcublas is not found. */
    public static CuBlas load(MemorySegment stream) {
        SymbolLookup lib = CudaLibraries.load("libcublas.so", "libcublas.so.13", "libcublas.so.12", "libcublas.so.1*")
                .orElseThrow(() -> new CudaUnavailableException(
                        "no cuBLAS (libcublas.so: install the CUDA toolkit or pip's nvidia-cublas, "
                                + "or point -Dloupe.cuda.path at its folder)"));
        return new CuBlas(lib, stream, Boolean.getBoolean("loupe.cuda.tf32"));
    }

    @Override
    public void gemm(
            boolean f64,
            long m,
            long n,
            long k,
            double alpha,
            Operand a,
            Operand b,
            double beta,
            Operand c,
            long batch) {
        long w = f64 ? 8 : 4;
        long pa = a.mem().address() + a.offset() * w,
                pb = b.mem().address() + b.offset() * w,
                pc = c.mem().address() + c.offset() * w;
        int ta = b.transposed() ? OP_T : OP_N, tb = a.transposed() ? OP_T : OP_N; // swapped: C^T = op(B)^T op(A)^T
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment al =
                    f64 ? arena.allocateFrom(JAVA_DOUBLE, alpha) : arena.allocateFrom(JAVA_FLOAT, (float) alpha);
            MemorySegment be =
                    f64 ? arena.allocateFrom(JAVA_DOUBLE, beta) : arena.allocateFrom(JAVA_FLOAT, (float) beta);
            int rc;
            if (!f64 && tf32 && batch == 1) {
                rc = (int) gemmEx.invokeExact(
                        handle,
                        ta,
                        tb,
                        (int) n,
                        (int) m,
                        (int) k,
                        al,
                        pb,
                        R_32F,
                        (int) b.ld(),
                        pa,
                        R_32F,
                        (int) a.ld(),
                        be,
                        pc,
                        R_32F,
                        (int) c.ld(),
                        COMPUTE_32F_FAST_TF32,
                        GEMM_DEFAULT);
            } else {
                MethodHandle h = f64 ? dgemm : sgemm;
                rc = (int) h.invokeExact(
                        handle,
                        ta,
                        tb,
                        (int) n,
                        (int) m,
                        (int) k,
                        al,
                        pb,
                        (int) b.ld(),
                        b.batchStride(),
                        pa,
                        (int) a.ld(),
                        a.batchStride(),
                        be,
                        pc,
                        (int) c.ld(),
                        c.batchStride(),
                        (int) batch);
            }
            check(
                    (f64
                                    ? "cublasDgemmStridedBatched"
                                    : tf32 && batch == 1 ? "cublasGemmEx(TF32)" : "cublasSgemmStridedBatched")
                            + "(m " + m + ", n " + n + ", k " + k + ", batch " + batch + ")",
                    rc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(String call, int rc) {
        if (rc != 0) throw new CudaException(call, rc, "cublasStatus_t " + rc, null);
    }
}
