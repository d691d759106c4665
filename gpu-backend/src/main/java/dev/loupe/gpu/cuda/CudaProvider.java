package dev.loupe.gpu.cuda;

import dev.loupe.gpu.common.KernelBackend;
import dev.loupe.gpu.cuda.internal.CudaDriver;
import dev.loupe.gpu.cuda.internal.CudaUnavailableException;
import dev.loupe.gpu.cuda.internal.Nvrtc;
import dev.loupe.tensor.Backend;
import dev.loupe.tensor.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@code cuda:N} through the driver API, NVRTC and cuBLAS, running the same kernel files as the
 * OpenCL backend. Without libcuda, a GPU, NVRTC or that device, {@link #open} is empty and
 * {@link #unavailableReason} says why. Each device is opened once per process.
 */
public final class CudaProvider implements BackendProvider {
    private static final Map<Integer, KernelBackend> OPEN = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "cuda";
    }

    @Override
    public Optional<Backend> open(int deviceIndex) {
        try {
            return Optional.of(OPEN.computeIfAbsent(deviceIndex, i -> new KernelBackend(CudaDevice.open(i))));
        } catch (CudaUnavailableException e) {
            return Optional.empty();
        }
    }

    /** Device {@code index}, the one its backend computes on (a communicator must share its stream). */
    static CudaDevice device(int index) {
        return (CudaDevice) OPEN.computeIfAbsent(index, i -> new KernelBackend(CudaDevice.open(i)))
                .kernelDevice();
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            if (CudaDriver.load().deviceCount() == 0) return Optional.of("no CUDA device (cuDeviceGetCount: 0)");
            Nvrtc.load();
            return Optional.empty();
        } catch (CudaUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public List<String> describeDevices() {
        List<String> lines = new ArrayList<>();
        try {
            CudaDriver cuda = CudaDriver.load();
            for (int i = 0; i < cuda.deviceCount(); i++)
                lines.add(CudaDevice.describe(cuda, i).toString());
        } catch (CudaUnavailableException e) {
            return List.of();
        }
        return lines;
    }
}
