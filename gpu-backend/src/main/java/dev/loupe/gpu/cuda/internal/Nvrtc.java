package dev.loupe.gpu.cuda.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * FFM binding of NVRTC (libnvrtc.so.*): compiles CUDA C source to PTX in memory. NVRTC opens its
 * libnvrtc-builtins by name, so the folder it was found in should also be on LD_LIBRARY_PATH when it
 * comes from a Python environment. Use the machine's own NVRTC: PTX newer than the driver will not load.
 */
public final class Nvrtc {
    private final MethodHandle create, compile, ptxSize, ptx, logSize, log, destroy, errorString;

    private Nvrtc(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        create = bind(
                linker,
                lib,
                "nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = bind(linker, lib, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        ptxSize = bind(linker, lib, "nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptx = bind(linker, lib, "nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        logSize = bind(linker, lib, "nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = bind(linker, lib, "nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = bind(linker, lib, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = bind(linker, lib, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        return linker.downcallHandle(
                lib.find(name).orElseThrow(() -> new CudaUnavailableException("libnvrtc has no symbol " + name)), fd);
    }

    /** Loads NVRTC; throws {@link CudaUnavailableException} when it is not found. */
    public static Nvrtc load() {
        return new Nvrtc(CudaLibraries.load("libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.1*")
                .orElseThrow(() -> new CudaUnavailableException(
                        "no NVRTC (libnvrtc.so: install the CUDA toolkit or pip's nvidia-cuda-nvrtc, "
                                + "or point -Dloupe.cuda.path at its folder)")));
    }

    /** PTX (0-terminated) of {@code source} compiled with {@code options}; a failed compile throws with NVRTC's log. */
    public MemorySegment compile(String source, String name, List<String> options, Arena into) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment handle = a.allocate(ADDRESS);
            check(
                    "nvrtcCreateProgram(" + name + ")",
                    (int) create.invokeExact(
                            handle,
                            a.allocateFrom(source, StandardCharsets.UTF_8),
                            a.allocateFrom(name, StandardCharsets.UTF_8),
                            0,
                            MemorySegment.NULL,
                            MemorySegment.NULL),
                    null);
            MemorySegment program = handle.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++)
                    opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i), StandardCharsets.UTF_8));
                int rc = (int) compile.invokeExact(program, options.size(), opts);
                if (rc != 0)
                    check("nvrtcCompileProgram(" + name + ", " + String.join(" ", options) + ")", rc, log(program));
                MemorySegment size = a.allocate(JAVA_LONG);
                check("nvrtcGetPTXSize", (int) ptxSize.invokeExact(program, size), null);
                MemorySegment out = into.allocate(size.get(JAVA_LONG, 0));
                check("nvrtcGetPTX", (int) ptx.invokeExact(program, out), null);
                return out;
            } finally {
                int ignored = (int) destroy.invokeExact(handle);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private String log(MemorySegment program) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            if ((int) logSize.invokeExact(program, size) != 0) return "(no log)";
            MemorySegment text = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            if ((int) log.invokeExact(program, text) != 0) return "(no log)";
            return "NVRTC log:\n" + text.getString(0, StandardCharsets.UTF_8).trim();
        }
    }

    private void check(String call, int rc, String detail) throws Throwable {
        if (rc == 0) return;
        MemorySegment s = (MemorySegment) errorString.invokeExact(rc);
        throw new CudaException(call, rc, s.reinterpret(256).getString(0, StandardCharsets.UTF_8), detail);
    }
}
