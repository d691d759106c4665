package dev.loupe.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.loupe.gpu.common.BufferDriver;
import dev.loupe.gpu.common.DeviceMemory;
import dev.loupe.gpu.common.DeviceStorage;
import dev.loupe.gpu.common.Gemm;
import dev.loupe.gpu.common.KernelCall;
import dev.loupe.gpu.common.KernelDevice;
import dev.loupe.gpu.common.KernelSource;
import dev.loupe.gpu.cuda.internal.CuBlas;
import dev.loupe.gpu.cuda.internal.CudaDriver;
import dev.loupe.gpu.cuda.internal.CudaUnavailableException;
import dev.loupe.gpu.cuda.internal.Nvrtc;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One CUDA device opened for compute: its primary context, one stream that every kernel, copy and GEMM
 * goes to in order, the kernel files compiled by NVRTC (the CUDA branch of prelude.h) into one module
 * per file and element types, and cuBLAS on the stream. The context is made current on each calling
 * thread; calls are serialised on this object. Buffers come from a caching {@link DeviceMemory}
 * (budget: 90% of the device's memory, or -Dloupe.cuda.maxBytes).
 */
final class CudaDevice implements KernelDevice {
    /** Threads per block; launches round work-items up to a multiple of 64, and the kernels return past n. */
    private static final int BLOCK = 128;

    private final CudaDriver cuda;
    private final Nvrtc nvrtc;
    private final Device device;
    private final Info info;
    private final MemorySegment context, stream;
    private final DeviceMemory memory;
    private final Gemm blas;
    private final Map<KernelSource, MemorySegment> modules = new HashMap<>();
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> false);

    /** What {@code loupe info} shows of a device. */
    record Info(int index, String name, long totalMemory, int multiprocessors, int ccMajor, int ccMinor) {
        @Override
        public String toString() {
            return "cuda:" + index + " " + name + ": " + (totalMemory >> 20) + " MiB, " + multiprocessors
                    + " multiprocessors, compute capability " + ccMajor + "." + ccMinor;
        }
    }

    private CudaDevice(CudaDriver cuda, Nvrtc nvrtc, int index) {
        this.cuda = cuda;
        this.nvrtc = nvrtc;
        this.device = new Device("cuda", index);
        this.info = describe(cuda, index);
        this.context = cuda.primaryContext(cuda.device(index));
        makeCurrent();
        this.stream = cuda.createStream();
        this.memory = new DeviceMemory(
                new Buffers(this),
                Long.getLong("loupe.cuda.maxBytes", info.totalMemory() / 10 * 9),
                device.toString(),
                "loupe.cuda.maxBytes");
        this.blas = loadBlas(stream);
    }

    /** Opens device {@code index}; throws {@link CudaUnavailableException} when the driver, NVRTC or the device is missing. */
    static CudaDevice open(int index) {
        CudaDriver cuda = CudaDriver.load();
        int count = cuda.deviceCount();
        if (index >= count) throw new CudaUnavailableException("no CUDA device " + index + " (" + count + " found)");
        return new CudaDevice(cuda, Nvrtc.load(), index);
    }

    static Info describe(CudaDriver cuda, int index) {
        int d = cuda.device(index);
        return new Info(
                index,
                cuda.deviceName(d),
                cuda.totalMemory(d),
                cuda.attribute(d, CudaDriver.ATTRIBUTE_MULTIPROCESSOR_COUNT),
                cuda.attribute(d, CudaDriver.ATTRIBUTE_CC_MAJOR),
                cuda.attribute(d, CudaDriver.ATTRIBUTE_CC_MINOR));
    }

    private static Gemm loadBlas(MemorySegment stream) {
        try {
            return CuBlas.load(stream);
        } catch (CudaUnavailableException e) {
            return null;
        }
    }

    private void makeCurrent() {
        if (!current.get()) {
            cuda.setCurrent(context);
            current.set(true);
        }
    }

    /** cuMemAlloc / cuMemFree with the context current; out of memory gives null. */
    private record Buffers(CudaDevice owner) implements BufferDriver {
        @Override
        public MemorySegment create(long bytes) {
            synchronized (owner) {
                owner.makeCurrent();
                long ptr = owner.cuda.memAlloc(bytes);
                return ptr == 0 ? null : MemorySegment.ofAddress(ptr);
            }
        }

        @Override
        public void release(MemorySegment buffer) {
            synchronized (owner) {
                owner.makeCurrent();
                owner.cuda.memFree(buffer.address());
            }
        }
    }

    @Override
    public Device device() {
        return device;
    }

    Info info() {
        return info;
    }

    @Override
    public Gemm blas() {
        return blas;
    }

    @Override
    public DeviceMemory memory() {
        return memory;
    }

    @Override
    public synchronized DeviceStorage allocate(DType dtype, int length) {
        makeCurrent();
        long bytes = Math.max(1, (long) length * dtype.byteSize());
        DeviceStorage s = new DeviceStorage(this, dtype, length);
        MemorySegment mem = memory.allocate(bytes, s);
        s.attach(mem);
        cuda.zero(mem.address(), bytes, stream);
        return s;
    }

    @Override
    public synchronized void copy(DeviceStorage src, long srcOffset, DeviceStorage dst, long dstOffset, long bytes) {
        makeCurrent();
        cuda.copyOnDevice(dst.mem().address() + dstOffset, src.mem().address() + srcOffset, bytes, stream);
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(dst);
    }

    /** Waits for the copy: the host segment is freed when the caller returns. */
    @Override
    public synchronized void write(DeviceStorage dst, MemorySegment host) {
        makeCurrent();
        cuda.copyToDevice(dst.mem().address(), host, stream);
        cuda.synchronize(stream);
        Reference.reachabilityFence(dst);
    }

    @Override
    public synchronized void read(DeviceStorage src, MemorySegment host) {
        makeCurrent();
        cuda.copyToHost(host, src.mem().address(), stream);
        cuda.synchronize(stream);
        Reference.reachabilityFence(src);
    }

    @Override
    public synchronized void launch(KernelSource source, String name, List<KernelCall.Arg> args, long global) {
        makeCurrent();
        MemorySegment function = function(source, name);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, Math.max(1, args.size()));
            for (int i = 0; i < args.size(); i++)
                params.setAtIndex(ADDRESS, i, args.get(i).value());
            cuda.launch(function, (int) ((global + BLOCK - 1) / BLOCK), BLOCK, stream, params, name);
        }
    }

    /** Work a communicator puts on this device's stream (NCCL's collectives), with the context current. */
    interface StreamWork {
        void enqueue(MemorySegment stream);
    }

    /**
     * Enqueues work on this device's stream, after every kernel and copy issued so far and before any issued later;
     * returns two events recorded just before and just after it (the caller destroys them with {@link #driver()}).
     */
    synchronized MemorySegment[] enqueue(StreamWork work) {
        makeCurrent();
        MemorySegment before = cuda.createEvent(), after = cuda.createEvent();
        cuda.record(before, stream);
        work.enqueue(stream);
        cuda.record(after, stream);
        return new MemorySegment[] {before, after};
    }

    /** Runs task on the calling thread with this device's context current (NCCL's communicator set-up). */
    synchronized <T> T withContext(java.util.function.Supplier<T> task) {
        makeCurrent();
        return task.get();
    }

    /** The device address of t's first element; t must live on this device. */
    long address(Tensor t) {
        return DeviceStorage.of(t, this).mem().address()
                + (long) t.offset() * t.dtype().byteSize();
    }

    CudaDriver driver() {
        return cuda;
    }

    /** The kernel {@code name} of {@code source}, compiling the file with NVRTC on first use. */
    private MemorySegment function(KernelSource source, String name) {
        String key = source + "#" + name;
        MemorySegment f = functions.get(key);
        if (f == null) {
            MemorySegment module = modules.computeIfAbsent(source, s -> {
                List<String> options = new ArrayList<>(List.of(s.options().split(" ")));
                options.add("--gpu-architecture=compute_" + info.ccMajor() + info.ccMinor());
                try (Arena ptx = Arena.ofConfined()) {
                    return cuda.loadModule(nvrtc.compile(s.text(), s.file(), options, ptx), s.toString());
                }
            });
            f = cuda.function(module, name);
            functions.put(key, f);
        }
        return f;
    }
}
