package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.bench.MachineLimits;
import dev.loupe.bench.VitBenchSettings;
import dev.loupe.bench.VitSpeed;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.DeviceMemoryUsage;
import dev.loupe.tensor.KernelProfiler;
import dev.loupe.tensor.Parallel;
import java.util.LinkedHashMap;
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
    @Option(names = "--dim", defaultValue = "192")
    int dim;

    @Option(names = "--depth", defaultValue = "12")
    int depth;

    @Option(names = "--heads", defaultValue = "3")
    int heads;

    @Option(names = "--img", defaultValue = "28")
    int img;

    @Option(names = "--patch", defaultValue = "4")
    int patch;

    @Option(names = "--chans", defaultValue = "1")
    int chans;

    @Option(names = "--batch", defaultValue = "128")
    int batch;

    @Option(names = "--steps", defaultValue = "4")
    int steps;

    @Option(names = "--warmup", defaultValue = "2")
    int warmup;

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
        VitBenchSettings s = new VitBenchSettings(dim, depth, heads, img, patch, chans, batch, steps, warmup);
        VitSpeed.Result r = VitSpeed.measure(s, profile, on);
        Optional<DeviceMemoryUsage> memory = Backends.forDevice(on).memoryUsage();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("peer", "loupe");
        out.put("device", on.toString());
        out.putAll(s.toMap());
        out.put("threads", Parallel.threads());
        out.putAll(VitSpeed.toMap(r));
        memory.ifPresent(m -> {
            out.put("device_bytes_peak", m.peak());
            out.put("device_bytes_reserved", m.reserved());
        });
        JsonNode torch = peer ? VitSpeed.peer(s) : null;
        if (torch != null) {
            double trainPeer = torch.get("train_img_s").asDouble(),
                    inferPeer = torch.get("infer_img_s").asDouble();
            out.put("torch_train_img_s", trainPeer);
            out.put("torch_infer_img_s", inferPeer);
            out.put("torch_blas_core", torch.path("blas_core").asText("unknown"));
            out.put("train_ratio", Math.round(r.trainImagesPerSecond() / trainPeer * 100) / 100.0);
            out.put("infer_ratio", Math.round(r.inferImagesPerSecond() / inferPeer * 100) / 100.0);
        }
        if (json) {
            try {
                System.out.println(new ObjectMapper().writeValueAsString(out));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        printText(r, torch, out, memory, on);
    }

    private void printText(
            VitSpeed.Result r, JsonNode torch, Map<String, Object> out, Optional<DeviceMemoryUsage> memory, Device on) {
        System.out.printf(
                "ViT dim %d depth %d heads %d, %dx%dx%d patch %d, batch %d, %d threads, on %s%n",
                dim, depth, heads, img, img, chans, patch, batch, Parallel.threads(), on);
        System.out.printf(
                "loupe  train %8.2f images/s   infer %8.2f images/s%n",
                r.trainImagesPerSecond(), r.inferImagesPerSecond());
        System.out.printf(
                "       train %8.1f GFLOP/s    infer %8.1f GFLOP/s   (%.2f GFLOP per image forward, 3x for a training step)%n",
                r.trainGflops(), r.inferGflops(), r.forwardFlopsPerImage() / 1e9);
        System.out.printf(
                "       heap allocated: %.2f GB per training step, %.2f GB per inference pass;"
                        + " peak heap in use %.2f GB training, %.2f GB inference%n",
                r.trainBytesPerStep() / 1e9,
                r.inferBytesPerPass() / 1e9,
                r.trainPeakHeapBytes() / 1e9,
                r.inferPeakHeapBytes() / 1e9);
        if (torch != null) {
            System.out.printf(
                    "torch  train %8.2f images/s   infer %8.2f images/s   (%s, OpenBLAS kernel %s, best of threads 1,2)%n",
                    torch.get("train_img_s").asDouble(),
                    torch.get("infer_img_s").asDouble(),
                    torch.get("peer").asText(),
                    torch.path("blas_core").asText("unknown"));
            System.out.printf(
                    "ratio  train %8.2fx          infer %8.2fx%n", out.get("train_ratio"), out.get("infer_ratio"));
        }
        if (profile) {
            memory.ifPresent(m -> System.out.println("device memory " + on + ": " + m.describe()));
            KernelProfiler.Limits limits = MachineLimits.measure(Parallel.threads());
            System.out.printf(
                    "%nkernel time over the timed training steps (limits measured here: FMA peak %.0f GFLOP/s, "
                            + "copy bandwidth %.1f GB/s):%n",
                    limits.peakGflops(), limits.bandwidthGBs());
            System.out.print(KernelProfiler.format(r.trainProfile(), limits));
            System.out.printf("%nkernel time over the timed inference passes:%n");
            System.out.print(KernelProfiler.format(r.inferProfile(), limits));
        }
    }
}
