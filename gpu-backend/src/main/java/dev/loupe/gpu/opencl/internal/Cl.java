package dev.loupe.gpu.opencl.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand-written FFM binding of the OpenCL ICD loader (libOpenCL.so.1): the ~25 entry points a compute
 * backend needs. Every call that returns an error code goes through {@link #check}, so a failure
 * becomes a {@link ClException} naming the call and the code. Handles (cl_platform_id, cl_context,
 * cl_mem, ...) are plain addresses. Widths follow cl.h: cl_int / cl_uint / cl_bool are 32-bit,
 * cl_device_type / cl_mem_flags / cl_bitfield are 64-bit, size_t is 64-bit.
 */
public final class Cl {
    public static final long DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    public static final long MEM_READ_WRITE = 1;
    public static final int PLATFORM_NAME = 0x0902;
    public static final int DEVICE_MAX_COMPUTE_UNITS = 0x1002;
    public static final int DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    public static final int DEVICE_NAME = 0x102B;
    public static final int DEVICE_VERSION = 0x102F;
    public static final int DEVICE_DOUBLE_FP_CONFIG = 0x1032;
    private static final int PROGRAM_BUILD_LOG = 0x1183;
    private static final int PLATFORM_NOT_FOUND_KHR = -1001;

    private final MethodHandle getPlatformIDs, getPlatformInfo, getDeviceIDs, getDeviceInfo;
    private final MethodHandle createContext, createQueue, releaseContext, releaseQueue;
    private final MethodHandle createBuffer, releaseMem, writeBuffer, readBuffer, fillBuffer, copyBuffer;
    private final MethodHandle createProgram, buildProgram, programBuildInfo, releaseProgram;
    private final MethodHandle createKernel, setKernelArg, enqueueNDRange, releaseKernel, finish;

    private Cl(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Binder b = (name, fd) -> linker.downcallHandle(
                lib.find(name).orElseThrow(() -> new IllegalStateException("libOpenCL has no symbol " + name)), fd);
        FunctionDescriptor release = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor transfer = FunctionDescriptor.of(
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        getPlatformIDs = b.bind("clGetPlatformIDs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        getPlatformInfo = b.bind(
                "clGetPlatformInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        getDeviceIDs = b.bind(
                "clGetDeviceIDs", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        getDeviceInfo = b.bind(
                "clGetDeviceInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        createContext = b.bind(
                "clCreateContext",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        createQueue = b.bind(
                "clCreateCommandQueueWithProperties",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        releaseContext = b.bind("clReleaseContext", release);
        releaseQueue = b.bind("clReleaseCommandQueue", release);
        createBuffer = b.bind(
                "clCreateBuffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
        releaseMem = b.bind("clReleaseMemObject", release);
        writeBuffer = b.bind("clEnqueueWriteBuffer", transfer);
        readBuffer = b.bind("clEnqueueReadBuffer", transfer);
        fillBuffer = b.bind(
                "clEnqueueFillBuffer",
                FunctionDescriptor.of(
                        JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS,
                        ADDRESS));
        copyBuffer = b.bind(
                "clEnqueueCopyBuffer",
                FunctionDescriptor.of(
                        JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS,
                        ADDRESS));
        createProgram = b.bind(
                "clCreateProgramWithSource",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        buildProgram = b.bind(
                "clBuildProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        programBuildInfo = b.bind(
                "clGetProgramBuildInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        releaseProgram = b.bind("clReleaseProgram", release);
        createKernel = b.bind("clCreateKernel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        setKernelArg = b.bind("clSetKernelArg", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        enqueueNDRange = b.bind(
                "clEnqueueNDRangeKernel",
                FunctionDescriptor.of(
                        JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        releaseKernel = b.bind("clReleaseKernel", release);
        finish = b.bind("clFinish", release);
    }

    private interface Binder {
        MethodHandle bind(String name, FunctionDescriptor fd);
    }

    /** Loads the ICD loader; throws {@link ClUnavailableException} with the reason when there is none. */
    public static Cl load() {
        try {
            return new Cl(SymbolLookup.libraryLookup(
                    System.getProperty("loupe.opencl.path", "libOpenCL.so.1"), Arena.global()));
        } catch (IllegalArgumentException e) {
            throw new ClUnavailableException(
                    "no OpenCL ICD loader (libOpenCL.so.1: install ocl-icd-libopencl1 and a driver such as pocl-opencl-icd)");
        }
    }

    /** One device of one platform, as the ICD loader lists them. */
    public record DeviceId(MemorySegment platform, MemorySegment device) {}

    /** Every device of every platform, in platform then device order; empty when no ICD is installed. */
    public List<DeviceId> devices() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            int rc = (int) getPlatformIDs.invokeExact(0, MemorySegment.NULL, count);
            if (rc == PLATFORM_NOT_FOUND_KHR) return List.of();
            check("clGetPlatformIDs", rc);
            int np = count.get(JAVA_INT, 0);
            MemorySegment platforms = a.allocate(ADDRESS, Math.max(1, np));
            check("clGetPlatformIDs", (int) getPlatformIDs.invokeExact(np, platforms, count));
            List<DeviceId> out = new ArrayList<>();
            for (int p = 0; p < np; p++) {
                MemorySegment platform = platforms.getAtIndex(ADDRESS, p);
                rc = (int) getDeviceIDs.invokeExact(platform, DEVICE_TYPE_ALL, 0, MemorySegment.NULL, count);
                if (rc == -1) continue; // CL_DEVICE_NOT_FOUND: a platform without devices
                check("clGetDeviceIDs", rc);
                int nd = count.get(JAVA_INT, 0);
                MemorySegment ids = a.allocate(ADDRESS, Math.max(1, nd));
                check("clGetDeviceIDs", (int) getDeviceIDs.invokeExact(platform, DEVICE_TYPE_ALL, nd, ids, count));
                for (int d = 0; d < nd; d++) out.add(new DeviceId(platform, ids.getAtIndex(ADDRESS, d)));
            }
            return out;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public String platformString(MemorySegment platform, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check("clGetPlatformInfo", (int)
                    getPlatformInfo.invokeExact(platform, param, 0L, MemorySegment.NULL, size));
            MemorySegment buf = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            check("clGetPlatformInfo", (int)
                    getPlatformInfo.invokeExact(platform, param, buf.byteSize(), buf, MemorySegment.NULL));
            return buf.getString(0, StandardCharsets.UTF_8).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public String deviceString(MemorySegment device, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check("clGetDeviceInfo", (int) getDeviceInfo.invokeExact(device, param, 0L, MemorySegment.NULL, size));
            MemorySegment buf = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            check("clGetDeviceInfo", (int)
                    getDeviceInfo.invokeExact(device, param, buf.byteSize(), buf, MemorySegment.NULL));
            return buf.getString(0, StandardCharsets.UTF_8).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A cl_ulong (8 bytes) or cl_uint (4 bytes) device property, widened to long. */
    public long deviceNumber(MemorySegment device, int param, int bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(8);
            check("clGetDeviceInfo", (int)
                    getDeviceInfo.invokeExact(device, param, (long) bytes, buf, MemorySegment.NULL));
            return bytes == 8 ? buf.get(JAVA_LONG, 0) : Integer.toUnsignedLong(buf.get(JAVA_INT, 0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment createContext(MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment devs = a.allocateFrom(ADDRESS, device);
            MemorySegment ctx = (MemorySegment)
                    createContext.invokeExact(MemorySegment.NULL, 1, devs, MemorySegment.NULL, MemorySegment.NULL, err);
            check("clCreateContext", err.get(JAVA_INT, 0));
            return ctx;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An in-order queue without properties (the property list is a lone 0). */
    public MemorySegment createQueue(MemorySegment context, MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment props = a.allocateFrom(JAVA_LONG, 0L);
            MemorySegment q = (MemorySegment) createQueue.invokeExact(context, device, props, err);
            check("clCreateCommandQueueWithProperties", err.get(JAVA_INT, 0));
            return q;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment createBuffer(MemorySegment context, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment mem =
                    (MemorySegment) createBuffer.invokeExact(context, MEM_READ_WRITE, bytes, MemorySegment.NULL, err);
            int rc = err.get(JAVA_INT, 0);
            if (rc != 0) check("clCreateBuffer(" + bytes + " bytes)", rc);
            return mem;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking write of host bytes into a buffer at byte offset {@code offset}. */
    public void write(MemorySegment queue, MemorySegment mem, long offset, MemorySegment host) {
        try {
            check("clEnqueueWriteBuffer", (int) writeBuffer.invokeExact(
                    queue, mem, 1, offset, host.byteSize(), host, 0, MemorySegment.NULL, MemorySegment.NULL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking read of {@code host.byteSize()} bytes from byte offset {@code offset}. */
    public void read(MemorySegment queue, MemorySegment mem, long offset, MemorySegment host) {
        try {
            check("clEnqueueReadBuffer", (int) readBuffer.invokeExact(
                    queue, mem, 1, offset, host.byteSize(), host, 0, MemorySegment.NULL, MemorySegment.NULL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Fills {@code bytes} bytes from 0 with zeros. */
    public void zero(MemorySegment queue, MemorySegment mem, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pattern = a.allocate(JAVA_BYTE);
            check("clEnqueueFillBuffer", (int) fillBuffer.invokeExact(
                    queue, mem, pattern, 1L, 0L, bytes, 0, MemorySegment.NULL, MemorySegment.NULL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void copy(
            MemorySegment queue, MemorySegment src, MemorySegment dst, long srcOffset, long dstOffset, long bytes) {
        try {
            check("clEnqueueCopyBuffer", (int) copyBuffer.invokeExact(
                    queue, src, dst, srcOffset, dstOffset, bytes, 0, MemorySegment.NULL, MemorySegment.NULL));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Compiles {@code source} for {@code device}; a failed build throws with the compiler's log. */
    public MemorySegment buildProgram(
            MemorySegment context, MemorySegment device, String source, String options, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment strings = a.allocateFrom(ADDRESS, a.allocateFrom(source, StandardCharsets.UTF_8));
            MemorySegment program =
                    (MemorySegment) createProgram.invokeExact(context, 1, strings, MemorySegment.NULL, err);
            check("clCreateProgramWithSource(" + what + ")", err.get(JAVA_INT, 0));
            int rc = (int) buildProgram.invokeExact(
                    program,
                    1,
                    a.allocateFrom(ADDRESS, device),
                    a.allocateFrom(options, StandardCharsets.UTF_8),
                    MemorySegment.NULL,
                    MemorySegment.NULL);
            if (rc != 0) {
                String log = buildLog(program, device);
                release(releaseProgram, program);
                throw new ClException(
                        "clBuildProgram(" + what + ", options '" + options + "')", rc, ClErrors.name(rc), log);
            }
            return program;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private String buildLog(MemorySegment program, MemorySegment device) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            int rc = (int)
                    programBuildInfo.invokeExact(program, device, PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size);
            if (rc != 0) return "(no build log: clGetProgramBuildInfo returned " + rc + ")";
            MemorySegment buf = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            rc = (int) programBuildInfo.invokeExact(
                    program, device, PROGRAM_BUILD_LOG, buf.byteSize(), buf, MemorySegment.NULL);
            return rc != 0
                    ? "(no build log)"
                    : "build log:\n" + buf.getString(0, StandardCharsets.UTF_8).trim();
        }
    }

    public MemorySegment createKernel(MemorySegment program, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment k = (MemorySegment)
                    createKernel.invokeExact(program, a.allocateFrom(name, StandardCharsets.UTF_8), err);
            check("clCreateKernel(" + name + ")", err.get(JAVA_INT, 0));
            return k;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets argument {@code index} from the bytes of {@code value}, or a null pointer when value is NULL. */
    public void setArg(MemorySegment kernel, int index, long size, MemorySegment value, String kernelName) {
        try {
            int rc = (int) setKernelArg.invokeExact(kernel, index, size, value);
            if (rc != 0) check("clSetKernelArg(" + kernelName + ", arg " + index + ", " + size + " bytes)", rc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Launches a 1-D range of {@code global} work-items, the work-group size left to the driver. */
    public void launch(MemorySegment queue, MemorySegment kernel, long global, String kernelName) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocateFrom(JAVA_LONG, global);
            int rc = (int) enqueueNDRange.invokeExact(
                    queue,
                    kernel,
                    1,
                    MemorySegment.NULL,
                    size,
                    MemorySegment.NULL,
                    0,
                    MemorySegment.NULL,
                    MemorySegment.NULL);
            if (rc != 0) check("clEnqueueNDRangeKernel(" + kernelName + ", " + global + " work-items)", rc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void finish(MemorySegment queue) {
        try {
            check("clFinish", (int) finish.invokeExact(queue));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void releaseMem(MemorySegment mem) {
        release(releaseMem, mem);
    }

    public void releaseKernel(MemorySegment kernel) {
        release(releaseKernel, kernel);
    }

    public void releaseProgram(MemorySegment program) {
        release(releaseProgram, program);
    }

    public void releaseQueue(MemorySegment queue) {
        release(releaseQueue, queue);
    }

    public void releaseContext(MemorySegment context) {
        release(releaseContext, context);
    }

    private static void release(MethodHandle h, MemorySegment handle) {
        try {
            int rc = (int) h.invokeExact(handle);
            if (rc != 0) check("clRelease*", rc);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void check(String call, int rc) {
        if (rc != 0) throw new ClException(call, rc, ClErrors.name(rc), null);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
