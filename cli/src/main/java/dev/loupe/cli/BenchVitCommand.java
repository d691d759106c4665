package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.bench.VitBenchReport;
import dev.loupe.bench.VitBenchSettings;
import dev.loupe.bench.VitSpeed;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.DeviceMemoryUsage;
import dev.loupe.tensor.KernelProfiler;
import dev.loupe.tensor.Parallel;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loupe bench vit}: training and inference images/s, same flags as the PyTorch anchor script. */
@Command(
        name = "vit",
        description = "ViT training-step and inference images/s (flags as ../shared/anchors/torch_vit_step.py).")
final class BenchVitCommand implements Runnable {
    @Mixin
    VitBenchOptions vit;

    @Option(names = "--threads", description = "Worker threads (default: cores).")
    Integer threads;

    @Option(names = "--json", description = "One JSON object with train_img_s and infer_img_s.")
    boolean json;

    @Option(
            names = "--profile",
            description =
                    "Print per kernel over the timed training steps and inference passes: time, share, GFLOP/s or GB/s, "
                            + "and %% of the machine's FMA peak or copy bandwidth (both measured first); on a device also its memory in use, peak and reserved.")
    boolean profile;

    @Option(
            names = "--profile-shapes",
            description = "--profile with each product (matmul and its fused forms) listed per shape: M x N x K and "
                    + "the layouts of A and B (N: rows contiguous, T: transposed).")
    boolean profileShapes;

    @Mixin
    DeviceOption device;

    @Option(
            names = "--peer",
            description = "Also run PyTorch (../shared/anchors/torch_vit_step.py) with the same flags right after, "
                    + "and print the ratios.")
    boolean peer;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        Device on = device.device();
        if (peer && !on.equals(Device.CPU))
            throw new IllegalArgumentException(
                    "--peer runs PyTorch on the cpu; with --device " + on + " compare with scripts/gpu-check instead");
        VitBenchSettings s = vit.settings();
        boolean profiling = profile || profileShapes;
        KernelProfiler.keyProductsByShape(profileShapes);
        VitSpeed.Result r = VitSpeed.measure(s, profiling, on);
        Optional<DeviceMemoryUsage> memory = Backends.forDevice(on).memoryUsage();
        JsonNode torch = peer ? VitSpeed.peer(s) : null;
        Map<String, Object> out = VitBenchReport.json(s, r, on, Parallel.threads(), memory, torch);
        if (json) {
            try {
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        VitBenchReport.printText(System.out, s, r, on, Parallel.threads(), torch, out, memory, profiling);
    }
}
