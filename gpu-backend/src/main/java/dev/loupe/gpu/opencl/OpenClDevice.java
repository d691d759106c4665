package dev.loupe.gpu.opencl;

import dev.loupe.gpu.common.BufferDriver;
import dev.loupe.gpu.common.DeviceMemory;
import dev.loupe.gpu.common.DeviceStorage;
import dev.loupe.gpu.common.Gemm;
import dev.loupe.gpu.common.KernelCall;
import dev.loupe.gpu.common.KernelDevice;
import dev.loupe.gpu.common.KernelSource;
import dev.loupe.gpu.opencl.internal.Cl;
import dev.loupe.gpu.opencl.internal.ClBlast;
import dev.loupe.gpu.opencl.internal.ClException;
import dev.loupe.gpu.opencl.internal.ClUnavailableException;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One OpenCL device opened for compute: its context, one in-order queue, the programs built so far
 * (one per kernel file and element types) and their kernels. Launches are serialised on this object,
 * because a cl_kernel's arguments are shared state. Buffers come from a caching {@link DeviceMemory}
 * (budget: 90% of global memory, or -Dloupe.opencl.maxBytes).
 */
final class OpenClDevice implements KernelDevice {
    private final Cl cl;
    private final Device device;
    private final DeviceInfo info;
    private final MemorySegment id, context, queue;
    private final DeviceMemory memory;
    private final Gemm blas;
    private final Map<KernelSource, MemorySegment> programs = new HashMap<>();
    private final Map<String, MemorySegment> kernels = new HashMap<>();

    /** What {@code loupe info} shows of a device. */
    record DeviceInfo(
            int index,
            String platform,
            String name,
            String version,
            long globalMemory,
            long computeUnits,
            boolean fp64) {
        @Override
        public String toString() {
            return "opencl:" + index + " " + name + " (" + platform + ", " + version + "): " + (globalMemory >> 20)
                    + " MiB, " + computeUnits + " compute units, fp64 " + (fp64 ? "yes" : "no");
        }
    }

    private OpenClDevice(Cl cl, int index, Cl.DeviceId ids) {
        this.cl = cl;
        this.device = new Device("opencl", index);
        this.info = describe(cl, index, ids);
        SignalChaining.warnOnce(info.platform());
        this.id = ids.device();
        this.context = cl.createContext(id);
        this.queue = cl.createQueue(context, id);
        this.memory = new DeviceMemory(
                new Buffers(cl, context),
                Long.getLong("loupe.opencl.maxBytes", info.globalMemory() / 10 * 9),
                device.toString(),
                "loupe.opencl.maxBytes");
        this.blas = loadBlas();
    }

    /** Buffers of one context; a full device (CL_MEM_OBJECT_ALLOCATION_FAILURE, CL_OUT_OF_RESOURCES) gives null. */
    record Buffers(Cl cl, MemorySegment context) implements BufferDriver {
        private static final int MEM_OBJECT_ALLOCATION_FAILURE = -4, OUT_OF_RESOURCES = -5;

        @Override
        public MemorySegment create(long bytes) {
            try {
                return cl.createBuffer(context, bytes);
            } catch (ClException e) {
                if (e.code() == MEM_OBJECT_ALLOCATION_FAILURE || e.code() == OUT_OF_RESOURCES) return null;
                throw e;
            }
        }

        @Override
        public void release(MemorySegment buffer) {
            cl.releaseMem(buffer);
        }
    }

    /** Opens device {@code index} of the flattened (platform, device) list. */
    static OpenClDevice open(int index) {
        Cl cl = Cl.load();
        List<Cl.DeviceId> all = cl.devices();
        if (all.isEmpty())
            throw new ClUnavailableException(
                    "no OpenCL platform (the ICD loader found no driver: install pocl-opencl-icd or a GPU driver)");
        if (index >= all.size()) {
            throw new ClUnavailableException("no OpenCL device " + index + " (" + all.size() + " found)");
        }
        return new OpenClDevice(cl, index, all.get(index));
    }

    static DeviceInfo describe(Cl cl, int index, Cl.DeviceId d) {
        return new DeviceInfo(
                index,
                cl.platformString(d.platform(), Cl.PLATFORM_NAME),
                cl.deviceString(d.device(), Cl.DEVICE_NAME),
                cl.deviceString(d.device(), Cl.DEVICE_VERSION),
                cl.deviceNumber(d.device(), Cl.DEVICE_GLOBAL_MEM_SIZE, 8),
                cl.deviceNumber(d.device(), Cl.DEVICE_MAX_COMPUTE_UNITS, 4),
                cl.deviceNumber(d.device(), Cl.DEVICE_DOUBLE_FP_CONFIG, 8) != 0);
    }

    @Override
    public Device device() {
        return device;
    }

    DeviceInfo info() {
        return info;
    }

    Cl cl() {
        return cl;
    }

    MemorySegment queue() {
        return queue;
    }

    MemorySegment context() {
        return context;
    }

    MemorySegment id() {
        return id;
    }

    /** CLBlast on this device's queue, or null when libclblast is missing (products then run on the plain kernel of gemm.cl). */
    @Override
    public Gemm blas() {
        return blas;
    }

    private Gemm loadBlas() {
        try {
            ClBlast clblast = ClBlast.load();
            return (f64, m, n, k, alpha, a, b, beta, c, batch) ->
                    clblast.gemm(f64, queue, m, n, k, alpha, a, b, beta, c, batch);
        } catch (ClUnavailableException e) {
            return null;
        }
    }

    /** A zeroed buffer of {@code length} elements (its size class may be larger: only those bytes are zeroed). */
    @Override
    public DeviceStorage allocate(DType dtype, int length) {
        long bytes = Math.max(1, (long) length * dtype.byteSize());
        DeviceStorage s = new DeviceStorage(this, dtype, length);
        MemorySegment mem = memory.allocate(bytes, s);
        s.attach(mem);
        cl.zero(queue, mem, bytes);
        return s;
    }

    /** The device's buffers and the bytes they hold. */
    @Override
    public DeviceMemory memory() {
        return memory;
    }

    @Override
    public void copy(DeviceStorage src, long srcOffset, DeviceStorage dst, long dstOffset, long bytes) {
        cl.copy(queue, src.mem(), dst.mem(), srcOffset, dstOffset, bytes);
        Reference.reachabilityFence(src); // bare handles above: keep the buffers until enqueued
        Reference.reachabilityFence(dst);
    }

    @Override
    public void write(DeviceStorage dst, MemorySegment host) {
        cl.write(queue, dst.mem(), 0, host);
        Reference.reachabilityFence(dst);
    }

    @Override
    public void read(DeviceStorage src, MemorySegment host) {
        cl.read(queue, src.mem(), 0, host);
        Reference.reachabilityFence(src);
    }

    /** The kernel {@code name} of {@code source}, building the program on first use. */
    synchronized MemorySegment kernel(KernelSource source, String name) {
        for (DType t : new DType[] {source.t(), source.s()}) {
            if (t == DType.F64 && !info.fp64()) {
                throw new UnsupportedOperationException(
                        device + " (" + info.name() + ") has no double precision (F64)");
            }
        }
        String key = source + "#" + name;
        MemorySegment k = kernels.get(key);
        if (k == null) {
            MemorySegment program = programs.computeIfAbsent(
                    source, s -> cl.buildProgram(context, id, s.text(), s.options(), s.toString()));
            k = cl.createKernel(program, name);
            kernels.put(key, k);
        }
        return k;
    }

    /** Sets every argument and enqueues {@code global} work-items, atomically with respect to other launches. */
    @Override
    public synchronized void launch(KernelSource source, String name, List<KernelCall.Arg> args, long global) {
        MemorySegment kernel = kernel(source, name);
        for (int i = 0; i < args.size(); i++)
            cl.setArg(kernel, i, args.get(i).size(), args.get(i).value(), name);
        cl.launch(queue, kernel, global, name);
    }
}
