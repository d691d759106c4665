package dev.loupe.tensor;

import dev.loupe.tensor.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/** Registry of backends: the CPU backend is built in; accelerators come through {@link BackendProvider}. */
public final class Backends {
    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();
    // The CPU backend behind a timing decorator that costs one volatile read per call when idle.
    private static final Backend CPU = new ProfilingBackend(CpuBackend.INSTANCE);

    private Backends() {}

    public static Backend cpu() {
        return CPU;
    }

    public static Backend forDevice(Device device) {
        if (device.equals(Device.CPU)) return CPU;
        return OPEN.computeIfAbsent(device, d -> new ProfilingBackend(open(d)));
    }

    private static Backend open(Device d) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.type().equals(d.type())) {
                return p.open(d.index())
                        .orElseThrow(() -> new IllegalStateException("backend " + d + " is not usable here: "
                                + p.unavailableReason()
                                        .orElse("no " + d.type() + " device " + d.index() + " on this machine")));
            }
        }
        throw new IllegalArgumentException(
                "no backend provider for device type '" + d.type() + "' (is loupe-gpu-backend on the class path?)");
    }

    /** One line per known backend with its status, for {@code loupe info}. */
    public static List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("cpu: available (" + KernelMode.describe() + ", " + Parallel.threads() + " threads)");
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            lines.add(p.type() + ": "
                    + p.unavailableReason().map(r -> "unavailable (" + r + ")").orElse("available"));
            for (String device : p.describeDevices()) lines.add("  " + device);
        }
        OPEN.forEach((device, backend) ->
                backend.memoryUsage().ifPresent(m -> lines.add(device + " memory: " + m.describe())));
        return lines;
    }

    /** The memory of {@code device}'s backend, opening it if needed; empty for the cpu. */
    public static java.util.Optional<DeviceMemoryUsage> memoryUsage(Device device) {
        return forDevice(device).memoryUsage();
    }
}
