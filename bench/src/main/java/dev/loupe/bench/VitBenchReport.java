package dev.loupe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.DeviceMemoryUsage;
import dev.loupe.tensor.KernelProfiler;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code loupe bench vit} prints: one JSON object (settings, measured figures in the peer's names,
 * device memory, PyTorch's figures and the ratios) or the same as text, with the kernel profile.
 */
public final class VitBenchReport {
    private VitBenchReport() {}

    /**
     * The JSON object: "peer": "loupe", the device, the settings, the thread count, {@link VitSpeed#toMap}, the
     * device's peak and reserved bytes where it reports them, and with a torch result its images/s, BLAS
     * kernel and the ratios Loupe / torch (2 decimals).
     */
    public static Map<String, Object> json(
            VitBenchSettings s,
            VitSpeed.Result r,
            Device on,
            int threads,
            Optional<DeviceMemoryUsage> memory,
            JsonNode torch) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("peer", "loupe");
        out.put("device", on.toString());
        out.putAll(s.toMap());
        out.put("threads", threads);
        out.putAll(VitSpeed.toMap(r));
        memory.ifPresent(m -> {
            out.put("device_bytes_peak", m.peak());
            out.put("device_bytes_reserved", m.reserved());
        });
        if (torch != null) {
            double trainPeer = torch.get("train_img_s").asDouble(),
                    inferPeer = torch.get("infer_img_s").asDouble();
            out.put("torch_train_img_s", trainPeer);
            out.put("torch_infer_img_s", inferPeer);
            out.put("torch_blas_core", torch.path("blas_core").asText("unknown"));
            out.put("train_ratio", Math.round(r.trainImagesPerSecond() / trainPeer * 100) / 100.0);
            out.put("infer_ratio", Math.round(r.inferImagesPerSecond() / inferPeer * 100) / 100.0);
        }
        return out;
    }

    /**
     * The text form: settings, images/s, GFLOP/s, heap per step and pass, torch's figures and the ratios
     * (from {@code json}), and with {@code profile} the device memory and the per-kernel tables against the
     * FMA peak and copy bandwidth measured here (seconds of extra work).
     */
    public static void printText(
            PrintStream ps,
            VitBenchSettings s,
            VitSpeed.Result r,
            Device on,
            int threads,
            JsonNode torch,
            Map<String, Object> json,
            Optional<DeviceMemoryUsage> memory,
            boolean profile) {
        ps.printf(
                "ViT dim %d depth %d heads %d, %dx%dx%d patch %d, batch %d, %d threads, on %s%n",
                s.dim(), s.depth(), s.heads(), s.img(), s.img(), s.chans(), s.patch(), s.batch(), threads, on);
        ps.printf(
                "loupe  train %8.2f images/s   infer %8.2f images/s%n",
                r.trainImagesPerSecond(), r.inferImagesPerSecond());
        ps.printf(
                "       train %8.1f GFLOP/s    infer %8.1f GFLOP/s   (%.2f GFLOP per image forward, 3x for a training step)%n",
                r.trainGflops(), r.inferGflops(), r.forwardFlopsPerImage() / 1e9);
        ps.printf(
                "       heap allocated: %.2f GB per training step, %.2f GB per inference pass;"
                        + " peak heap in use %.2f GB training, %.2f GB inference%n",
                r.trainBytesPerStep() / 1e9,
                r.inferBytesPerPass() / 1e9,
                r.trainPeakHeapBytes() / 1e9,
                r.inferPeakHeapBytes() / 1e9);
        if (torch != null) {
            ps.printf(
                    "torch  train %8.2f images/s   infer %8.2f images/s   (%s, OpenBLAS kernel %s, best of threads 1,2)%n",
                    torch.get("train_img_s").asDouble(),
                    torch.get("infer_img_s").asDouble(),
                    torch.get("peer").asText(),
                    torch.path("blas_core").asText("unknown"));
            ps.printf("ratio  train %8.2fx          infer %8.2fx%n", json.get("train_ratio"), json.get("infer_ratio"));
        }
        if (profile) {
            memory.ifPresent(m -> ps.println("device memory " + on + ": " + m.describe()));
            KernelProfiler.Limits limits = MachineLimits.measure(threads);
            ps.printf(
                    "%nkernel time over the timed training steps (limits measured here: FMA peak %.0f GFLOP/s, "
                            + "copy bandwidth %.1f GB/s):%n",
                    limits.peakGflops(), limits.bandwidthGBs());
            ps.print(KernelProfiler.format(r.trainProfile(), limits));
            ps.printf("%nkernel time over the timed inference passes:%n");
            ps.print(KernelProfiler.format(r.inferProfile(), limits));
        }
    }
}
