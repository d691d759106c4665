package dev.loupe.gpu.cuda.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.loupe.tensor.dist.CommunicationException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * FFM bindings to the NCCL functions a data-parallel job needs (nccl.h of NCCL 2.x). The library is
 * -Dloupe.nccl.path when given, else libnccl.so.2 or libnccl.so in the folders {@link CudaLibraries} searches
 * (pip's nvidia-nccl-cu12 puts it under site-packages/nvidia/nccl/lib). Buffers and streams are device
 * addresses and CUstream handles; counts are size_t; every enum is a 4-byte int. ncclUniqueId is a
 * 128-byte struct passed by value.
 */
public final class NcclLibrary {
    /** ncclUniqueId: char internal[128]. */
    public static final int UNIQUE_ID_BYTES = 128;

    /** ncclDataType_t. */
    public static final int FLOAT32 = 7, FLOAT64 = 8;

    /** ncclRedOp_t; AVG needs NCCL 2.10. */
    public static final int SUM = 0, AVG = 4;

    /** ncclResult_t. */
    public static final int SUCCESS = 0, IN_PROGRESS = 7;

    private static final StructLayout UNIQUE_ID =
            MemoryLayout.structLayout(MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES, JAVA_BYTE));

    private final String source;
    private final MethodHandle getVersion, getUniqueId, commInitRank, commDestroy, commAbort, commGetAsyncError;
    private final MethodHandle allReduce, broadcast, allGather, reduceScatter, getErrorString, getLastError;

    private NcclLibrary(String source, SymbolLookup lib) {
        this.source = source;
        Linker linker = Linker.nativeLinker();
        Binder b = (name, fd) -> linker.downcallHandle(
                lib.find(name)
                        .orElseThrow(() -> new CudaUnavailableException(
                                source + " has no symbol " + name + " (NCCL older than 2.10?)")),
                fd);
        getVersion = b.bind("ncclGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getUniqueId = b.bind("ncclGetUniqueId", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // (ncclComm_t* comm, int nranks, ncclUniqueId commId, int rank)
        commInitRank =
                b.bind("ncclCommInitRank", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID, JAVA_INT));
        commDestroy = b.bind("ncclCommDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commAbort = b.bind("ncclCommAbort", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        commGetAsyncError = b.bind("ncclCommGetAsyncError", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // (sendbuff, recvbuff, count, datatype, op, comm, stream)
        allReduce = b.bind(
                "ncclAllReduce",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        // (sendbuff, recvbuff, count, datatype, root, comm, stream)
        broadcast = b.bind(
                "ncclBroadcast",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        // (sendbuff, recvbuff, sendcount, datatype, comm, stream)
        allGather = b.bind(
                "ncclAllGather",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        // (sendbuff, recvbuff, recvcount, datatype, op, comm, stream)
        reduceScatter = b.bind(
                "ncclReduceScatter",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        getErrorString = b.bind("ncclGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        // NCCL >= 2.13; older libraries simply give no detail
        getLastError = lib.find("ncclGetLastError")
                .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ADDRESS, ADDRESS)))
                .orElse(null);
    }

    private interface Binder {
        MethodHandle bind(String name, FunctionDescriptor fd);
    }

    /** Opens NCCL, or throws {@link CudaUnavailableException} saying where it looked. */
    public static NcclLibrary load() {
        String explicit = System.getProperty("loupe.nccl.path");
        if (explicit != null) {
            try {
                return new NcclLibrary(
                        explicit, SymbolLookup.libraryLookup(java.nio.file.Path.of(explicit), Arena.global()));
            } catch (IllegalArgumentException e) {
                throw new CudaUnavailableException(
                        "-Dloupe.nccl.path=" + explicit + " cannot be loaded: " + e.getMessage());
            }
        }
        SymbolLookup lib = CudaLibraries.load("libnccl.so.2", "libnccl.so")
                .orElseThrow(() -> new CudaUnavailableException(
                        "no NCCL (libnccl.so.2 not found in -Dloupe.cuda.path, LD_LIBRARY_PATH, /usr/local/cuda/lib64, the "
                                + "nvidia/*/lib folders of Python's site-packages or the system library path; "
                                + "-Dloupe.nccl.path names the file)"));
        return new NcclLibrary("libnccl.so.2", lib);
    }

    /** NCCL's version code, e.g. 22304 for 2.23.4. */
    public int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("ncclGetVersion", CudaDriver.invoke(getVersion, v), MemorySegment.NULL);
            return v.get(JAVA_INT, 0);
        }
    }

    /** "2.23.4" from 22304 (NCCL >= 2.9 codes major * 10000 + minor * 100 + patch). */
    public static String versionText(int code) {
        return code / 10000 + "." + code / 100 % 100 + "." + code % 100;
    }

    /** A fresh ncclUniqueId (rank 0 makes it, every rank passes it to {@link #commInitRank}). */
    public byte[] uniqueId() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(UNIQUE_ID);
            check("ncclGetUniqueId", CudaDriver.invoke(getUniqueId, id), MemorySegment.NULL);
            return id.toArray(JAVA_BYTE);
        }
    }

    /** ncclCommInitRank with the CUDA device already current on this thread; blocks until every rank has joined. */
    public MemorySegment commInitRank(int worldSize, byte[] uniqueId, int rank) {
        if (uniqueId.length != UNIQUE_ID_BYTES)
            throw new IllegalArgumentException("an ncclUniqueId has 128 bytes, got " + uniqueId.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment comm = a.allocate(ADDRESS);
            MemorySegment id = a.allocate(UNIQUE_ID);
            id.copyFrom(MemorySegment.ofArray(uniqueId));
            check("ncclCommInitRank", CudaDriver.invoke(commInitRank, comm, worldSize, id, rank), MemorySegment.NULL);
            return comm.get(ADDRESS, 0);
        }
    }

    public void allReduce(
            long send, long receive, long count, int type, int op, MemorySegment comm, MemorySegment stream) {
        check(
                "ncclAllReduce",
                CudaDriver.invoke(allReduce, at(send), at(receive), count, type, op, comm, stream),
                comm);
    }

    public void broadcast(
            long send, long receive, long count, int type, int root, MemorySegment comm, MemorySegment stream) {
        check(
                "ncclBroadcast",
                CudaDriver.invoke(broadcast, at(send), at(receive), count, type, root, comm, stream),
                comm);
    }

    public void allGather(long send, long receive, long sendCount, int type, MemorySegment comm, MemorySegment stream) {
        check(
                "ncclAllGather",
                CudaDriver.invoke(allGather, at(send), at(receive), sendCount, type, comm, stream),
                comm);
    }

    public void reduceScatter(
            long send, long receive, long receiveCount, int type, int op, MemorySegment comm, MemorySegment stream) {
        check(
                "ncclReduceScatter",
                CudaDriver.invoke(reduceScatter, at(send), at(receive), receiveCount, type, op, comm, stream),
                comm);
    }

    /** An asynchronous error of comm (a peer that failed, a network error), or SUCCESS. */
    public int asyncError(MemorySegment comm) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rc = a.allocate(JAVA_INT);
            check("ncclCommGetAsyncError", CudaDriver.invoke(commGetAsyncError, comm, rc), comm);
            return rc.get(JAVA_INT, 0);
        }
    }

    /** Stops comm's pending work and frees it (after an error or a timeout). */
    public void abort(MemorySegment comm) {
        CudaDriver.invoke(commAbort, comm);
    }

    /** Waits for comm's pending work and frees it. */
    public void destroy(MemorySegment comm) {
        check("ncclCommDestroy", CudaDriver.invoke(commDestroy, comm), MemorySegment.NULL);
    }

    /** "ncclAllReduce failed: unhandled cuda error (run with NCCL_DEBUG=INFO for details) - <last error>". */
    public String describe(String call, int rc, MemorySegment comm) {
        StringBuilder s = new StringBuilder(call).append(" failed: ").append(text(getErrorString, rc));
        String last = comm.equals(MemorySegment.NULL) || getLastError == null ? "" : text(getLastError, comm);
        if (!last.isBlank()) s.append(" (").append(last).append(')');
        return s.append(" [")
                .append(source)
                .append("; NCCL_DEBUG=WARN tells more]")
                .toString();
    }

    public void check(String call, int rc, MemorySegment comm) {
        if (rc != SUCCESS) throw new CommunicationException(describe(call, rc, comm));
    }

    private static MemorySegment at(long address) {
        return MemorySegment.ofAddress(address);
    }

    private static String text(MethodHandle h, Object arg) {
        try {
            MemorySegment p = (MemorySegment) h.invokeWithArguments(arg);
            return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(1024).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return "error text unavailable";
        }
    }
}
