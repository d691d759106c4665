package dev.loupe.gpu.cuda.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Hand-written FFM binding of the CUDA driver API (libcuda.so.1), the versioned entry points
 * (cuMemAlloc_v2, cuMemcpyHtoDAsync_v2, ...). CUdevice and enums are ints, CUdeviceptr is a 64-bit
 * integer (carried here as a long), CUcontext / CUmodule / CUfunction / CUstream / CUevent are pointers.
 * Every call that fails becomes a {@link CudaException} naming the call and the error (cuGetErrorName).
 * The current context is per thread: callers make theirs current first ({@link #setCurrent}).
 */
public final class CudaDriver {
    public static final int SUCCESS = 0, ERROR_OUT_OF_MEMORY = 2, ERROR_NO_DEVICE = 100, ERROR_NOT_READY = 600;
    public static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16, ATTRIBUTE_CC_MAJOR = 75, ATTRIBUTE_CC_MINOR = 76;
    private final MethodHandle init, deviceGetCount, deviceGet, deviceGetName, deviceTotalMem, deviceGetAttribute;
    private final MethodHandle primaryCtxRetain,
            ctxSetCurrent,
            memAlloc,
            memFree,
            memcpyHtoDAsync,
            memcpyDtoHAsync,
            memcpyDtoDAsync;
    private final MethodHandle memsetD8Async,
            moduleLoadData,
            moduleGetFunction,
            launchKernel,
            streamCreate,
            streamSynchronize;
    private final MethodHandle eventCreate, eventRecord, eventSynchronize, eventQuery, eventDestroy, eventElapsedTime;
    private final MethodHandle getErrorName;

    private CudaDriver(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Binder b = (name, fd) -> linker.downcallHandle(
                lib.find(name)
                        .orElseThrow(() ->
                                new CudaUnavailableException("libcuda has no symbol " + name + " (driver too old?)")),
                fd);
        init = b.bind("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        deviceGetCount = b.bind("cuDeviceGetCount", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        deviceGet = b.bind("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        deviceGetName = b.bind("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        deviceTotalMem = b.bind("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        deviceGetAttribute =
                b.bind("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        primaryCtxRetain = b.bind("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        ctxSetCurrent = b.bind("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        memAlloc = b.bind("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        memFree = b.bind("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        memcpyHtoDAsync =
                b.bind("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        memcpyDtoHAsync =
                b.bind("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        memcpyDtoDAsync = b.bind(
                "cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        memsetD8Async =
                b.bind("cuMemsetD8Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS));
        moduleLoadData = b.bind("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        moduleGetFunction = b.bind("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        launchKernel = b.bind(
                "cuLaunchKernel",
                FunctionDescriptor.of(
                        JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        ADDRESS, ADDRESS, ADDRESS));
        streamCreate = b.bind("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        streamSynchronize = b.bind("cuStreamSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        eventCreate = b.bind("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        eventRecord = b.bind("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        eventSynchronize = b.bind("cuEventSynchronize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        eventQuery = b.bind("cuEventQuery", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        eventDestroy = b.bind("cuEventDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        eventElapsedTime = b.bind("cuEventElapsedTime", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        getErrorName = b.bind("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    private interface Binder {
        MethodHandle bind(String name, FunctionDescriptor fd);
    }

    /** Loads libcuda.so.1 and calls cuInit(0); throws {@link CudaUnavailableException} with the reason when either fails. */
    public static CudaDriver load() {
        SymbolLookup lib = CudaLibraries.load("libcuda.so.1", "libcuda.so")
                .orElseThrow(() -> new CudaUnavailableException(
                        "no CUDA driver (libcuda.so.1 not found in -Dloupe.cuda.path, LD_LIBRARY_PATH, /usr/local/cuda/lib64 or the system "
                                + "library path: install the NVIDIA driver)"));
        CudaDriver d = new CudaDriver(lib);
        int rc = d.call(d.init, 0);
        if (rc == ERROR_NO_DEVICE) throw new CudaUnavailableException("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
        if (rc != SUCCESS) throw new CudaUnavailableException("cuInit failed: " + rc + " (" + d.errorName(rc) + ")");
        return d;
    }

    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            check("cuDeviceGetCount", invoke(deviceGetCount, n));
            return n.get(JAVA_INT, 0);
        }
    }

    public int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(JAVA_INT);
            check("cuDeviceGet(" + ordinal + ")", invoke(deviceGet, d, ordinal));
            return d.get(JAVA_INT, 0);
        }
    }

    public String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(256);
            check("cuDeviceGetName", invoke(deviceGetName, s, 256, device));
            return s.getString(0, StandardCharsets.UTF_8);
        }
    }

    public long totalMemory(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", invoke(deviceTotalMem, s, device));
            return s.get(JAVA_LONG, 0);
        }
    }

    public int attribute(int device, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(JAVA_INT);
            check("cuDeviceGetAttribute(" + attribute + ")", invoke(deviceGetAttribute, s, attribute, device));
            return s.get(JAVA_INT, 0);
        }
    }

    /** The device's primary context (shared with the runtime API, so with cuBLAS). */
    public MemorySegment primaryContext(int device) {
        return out("cuDevicePrimaryCtxRetain", h -> invoke(primaryCtxRetain, h, device));
    }

    public void setCurrent(MemorySegment context) {
        check("cuCtxSetCurrent", invoke(ctxSetCurrent, context));
    }

    /** A device allocation, or 0 when the device is out of memory. */
    public long memAlloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            int rc = invoke(memAlloc, p, bytes);
            if (rc == ERROR_OUT_OF_MEMORY) return 0;
            check("cuMemAlloc_v2(" + bytes + " bytes)", rc);
            return p.get(JAVA_LONG, 0);
        }
    }

    public void memFree(long ptr) {
        check("cuMemFree_v2", invoke(memFree, ptr));
    }

    public void copyToDevice(long dst, MemorySegment host, MemorySegment stream) {
        check("cuMemcpyHtoDAsync_v2", invoke(memcpyHtoDAsync, dst, host, host.byteSize(), stream));
    }

    public void copyToHost(MemorySegment host, long src, MemorySegment stream) {
        check("cuMemcpyDtoHAsync_v2", invoke(memcpyDtoHAsync, host, src, host.byteSize(), stream));
    }

    public void copyOnDevice(long dst, long src, long bytes, MemorySegment stream) {
        check("cuMemcpyDtoDAsync_v2", invoke(memcpyDtoDAsync, dst, src, bytes, stream));
    }

    public void zero(long dst, long bytes, MemorySegment stream) {
        check("cuMemsetD8Async", invoke(memsetD8Async, dst, (byte) 0, bytes, stream));
    }

    /** Loads a module from a 0-terminated PTX image. */
    public MemorySegment loadModule(MemorySegment ptx, String what) {
        return out("cuModuleLoadData(" + what + ")", h -> invoke(moduleLoadData, h, ptx));
    }

    public MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocateFrom(name, StandardCharsets.UTF_8);
            return out("cuModuleGetFunction(" + name + ")", h -> invoke(moduleGetFunction, h, module, n));
        }
    }

    /** A 1-D launch of {@code grid} blocks of {@code block} threads; params is void*[] of pointers to the argument values. */
    public void launch(
            MemorySegment function, int grid, int block, MemorySegment stream, MemorySegment params, String name) {
        check(
                "cuLaunchKernel(" + name + ", " + grid + " x " + block + ")",
                invoke(launchKernel, function, grid, 1, 1, block, 1, 1, 0, stream, params, MemorySegment.NULL));
    }

    /** A blocking stream (flags 0): ordered with the legacy default stream, as cuBLAS's default is. */
    public MemorySegment createStream() {
        return out("cuStreamCreate", h -> invoke(streamCreate, h, 0));
    }

    public void synchronize(MemorySegment stream) {
        check("cuStreamSynchronize", invoke(streamSynchronize, stream));
    }

    public MemorySegment createEvent() {
        return out("cuEventCreate", h -> invoke(eventCreate, h, 0));
    }

    public void record(MemorySegment event, MemorySegment stream) {
        check("cuEventRecord", invoke(eventRecord, event, stream));
    }

    /** Whether the work before the recorded event is done (cuEventQuery: CUDA_SUCCESS or CUDA_ERROR_NOT_READY). */
    public boolean isDone(MemorySegment event) {
        int rc = invoke(eventQuery, event);
        if (rc == ERROR_NOT_READY) return false;
        check("cuEventQuery", rc);
        return true;
    }

    public void destroyEvent(MemorySegment event) {
        check("cuEventDestroy_v2", invoke(eventDestroy, event));
    }

    /** Milliseconds between two recorded events, waiting for the second. */
    public float elapsedMillis(MemorySegment start, MemorySegment end) {
        check("cuEventSynchronize", invoke(eventSynchronize, end));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", invoke(eventElapsedTime, ms, start, end));
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    public String errorName(int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            if (invoke(getErrorName, code, p) != SUCCESS) return "unknown CUDA error";
            return p.get(ADDRESS, 0).reinterpret(256).getString(0, StandardCharsets.UTF_8);
        }
    }

    private void check(String call, int rc) {
        if (rc != SUCCESS) throw new CudaException(call, rc, errorName(rc), null);
    }

    private interface HandleCall {
        int call(MemorySegment handleOut);
    }

    /** Runs a call that writes one handle through its first argument; returns the handle. */
    private MemorySegment out(String call, HandleCall c) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(ADDRESS);
            check(call, c.call(h));
            return h.get(ADDRESS, 0);
        }
    }

    private int call(MethodHandle h, int arg) {
        return invoke(h, arg);
    }

    /** invokeWithArguments: the binding is small and called per launch, not per element, so exact invokers are not worth it. */
    static int invoke(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
