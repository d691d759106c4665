package dev.loupe.gpu.mpi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.loupe.tensor.dist.CommunicationException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written FFM bindings to the few MPI functions a data-parallel job needs. The library is
 * -Dloupe.mpi.path when given, else the first of libmpi.so.40 (Open MPI), libmpi.so.12 (MPICH),
 * libmpi.so that the dynamic linker finds. Every call returns MPI's error code; {@link #check} turns
 * a non-zero one into a {@link CommunicationException} with MPI_Error_string's text.
 */
final class MpiLibrary {
    static final int THREAD_FUNNELED = 1;

    final String path;
    final MpiAbi abi;
    final MethodHandle initThread,
            initialized,
            finalized,
            finalizeMpi,
            commRank,
            commSize,
            allreduce,
            bcast,
            allgather,
            reduceScatterBlock,
            barrier,
            errorString,
            abort;

    private MpiLibrary(String path, SymbolLookup lookup) {
        this.path = path;
        this.abi = MpiAbi.detect(lookup);
        MemoryLayout h = abi.handle();
        Linker linker = Linker.nativeLinker();
        Binder b = (name, desc) -> linker.downcallHandle(
                lookup.find(name).orElseThrow(() -> new IllegalStateException(path + " has no symbol " + name)), desc);
        initThread = b.bind("MPI_Init_thread", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        initialized = b.bind("MPI_Initialized", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        finalized = b.bind("MPI_Finalized", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        finalizeMpi = b.bind("MPI_Finalize", FunctionDescriptor.of(JAVA_INT));
        commRank = b.bind("MPI_Comm_rank", FunctionDescriptor.of(JAVA_INT, h, ADDRESS));
        commSize = b.bind("MPI_Comm_size", FunctionDescriptor.of(JAVA_INT, h, ADDRESS));
        // (sendbuf, recvbuf, count, datatype, op, comm)
        allreduce = b.bind("MPI_Allreduce", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, h, h, h));
        // (buffer, count, datatype, root, comm)
        bcast = b.bind("MPI_Bcast", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, h, JAVA_INT, h));
        // (sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm)
        allgather =
                b.bind("MPI_Allgather", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, h, ADDRESS, JAVA_INT, h, h));
        // (sendbuf, recvbuf, recvcount, datatype, op, comm)
        reduceScatterBlock = b.bind(
                "MPI_Reduce_scatter_block", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, h, h, h));
        barrier = b.bind("MPI_Barrier", FunctionDescriptor.of(JAVA_INT, h));
        // (errorcode, string, resultlen)
        errorString = b.bind("MPI_Error_string", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        abort = b.bind("MPI_Abort", FunctionDescriptor.of(JAVA_INT, h, JAVA_INT));
    }

    private interface Binder {
        MethodHandle bind(String name, FunctionDescriptor desc);
    }

    /** Opens libmpi, or throws an IllegalStateException that lists what was tried. */
    static MpiLibrary load() {
        String explicit = System.getProperty("loupe.mpi.path");
        List<String> candidates =
                explicit != null ? List.of(explicit) : List.of("libmpi.so.40", "libmpi.so.12", "libmpi.so");
        List<String> failures = new ArrayList<>();
        for (String name : candidates) {
            try {
                return new MpiLibrary(name, SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("no usable MPI library (" + String.join("; ", failures)
                + "); install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or pass -Dloupe.mpi.path");
    }

    /** Calls {@code fn} and checks its return code. */
    int call(MethodHandle fn, String name, Object... args) {
        int rc;
        try {
            rc = (int) fn.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new CommunicationException(name + " could not be called: " + t, t);
        }
        check(rc, name);
        return rc;
    }

    void check(int rc, String name) {
        if (rc == 0) return;
        String text;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(512), len = a.allocate(JAVA_INT);
            int erc = (int) errorString.invokeExact(rc, buf, len);
            text = erc == 0 ? buf.getString(0) : "error code " + rc;
        } catch (Throwable t) {
            text = "error code " + rc;
        }
        throw new CommunicationException(name + " failed: " + text);
    }
}
