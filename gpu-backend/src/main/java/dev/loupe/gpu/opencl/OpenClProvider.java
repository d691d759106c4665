package dev.loupe.gpu.opencl;

import dev.loupe.gpu.common.KernelBackend;
import dev.loupe.gpu.opencl.internal.Cl;
import dev.loupe.gpu.opencl.internal.ClBlast;
import dev.loupe.gpu.opencl.internal.ClUnavailableException;
import dev.loupe.tensor.Backend;
import dev.loupe.tensor.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@code opencl:N}: device N of the ICD loader's (platform, device) list. Without libOpenCL, a
 * driver or that device, {@link #open} is empty and {@link #unavailableReason} says why. Each device
 * is opened once per process (an explicit registry), so every tensor on it shares one context.
 */
public final class OpenClProvider implements BackendProvider {
    private static final Map<Integer, KernelBackend> OPEN = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "opencl";
    }

    @Override
    public Optional<Backend> open(int deviceIndex) {
        try {
            return Optional.of(OPEN.computeIfAbsent(deviceIndex, i -> new KernelBackend(OpenClDevice.open(i))));
        } catch (ClUnavailableException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> unavailableReason() {
        try {
            return Cl.load().devices().isEmpty()
                    ? Optional.of(
                            "no OpenCL platform (the ICD loader found no driver: install pocl-opencl-icd or a GPU driver)")
                    : Optional.empty();
        } catch (ClUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** How products run: CLBlast, or the plain kernel and why. */
    private static String gemmLine() {
        try {
            ClBlast.load();
            return "GEMM through CLBlast";
        } catch (ClUnavailableException e) {
            return "GEMM by a plain kernel (" + e.getMessage() + ")";
        }
    }

    @Override
    public List<String> describeDevices() {
        List<String> lines = new ArrayList<>();
        try {
            Cl cl = Cl.load();
            List<Cl.DeviceId> all = cl.devices();
            String gemm = gemmLine();
            for (int i = 0; i < all.size(); i++) lines.add(OpenClDevice.describe(cl, i, all.get(i)) + "; " + gemm);
        } catch (ClUnavailableException e) {
            return List.of();
        }
        return lines;
    }
}
