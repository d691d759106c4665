package dev.loupe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.DeviceMemoryUsage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** bench vit's JSON keys in order, the device memory and the ratios against torch; the text names the same figures. */
class VitBenchReportTest {
    private static final VitBenchSettings S = new VitBenchSettings(16, 1, 2, 8, 4, 1, 4, 2, 1);
    // 200 train and 600 inference images/s, 1 GFLOP per image forward
    private static final VitSpeed.Result R =
            new VitSpeed.Result(200, 600, List.of(), List.of(), 3_000_000_000L, 1_000_000_000L, 5, 6, 1e9);

    @Test
    void jsonHoldsSettingsFiguresMemoryAndRatios() throws Exception {
        JsonNode torch = new ObjectMapper()
                .readTree("{\"peer\":\"torch\",\"train_img_s\":100.0,\"infer_img_s\":400.0,\"blas_core\":\"Haswell\"}");
        Map<String, Object> json =
                VitBenchReport.json(S, R, Device.CPU, 2, Optional.of(new DeviceMemoryUsage(1, 30, 20, 100)), torch);
        assertEquals(
                List.of(
                        "peer",
                        "device",
                        "dim",
                        "depth",
                        "heads",
                        "img",
                        "patch",
                        "chans",
                        "batch",
                        "steps",
                        "warmup",
                        "threads",
                        "train_img_s",
                        "infer_img_s",
                        "train_gflops",
                        "infer_gflops",
                        "train_bytes_per_step",
                        "infer_bytes_per_pass",
                        "train_peak_heap_bytes",
                        "infer_peak_heap_bytes",
                        "device_bytes_peak",
                        "device_bytes_reserved",
                        "torch_train_img_s",
                        "torch_infer_img_s",
                        "torch_blas_core",
                        "train_ratio",
                        "infer_ratio"),
                List.copyOf(json.keySet()));
        assertEquals("loupe", json.get("peer"));
        assertEquals(20L, json.get("device_bytes_peak"));
        assertEquals(600.0, json.get("train_gflops")); // 200 images/s x 3 x 1 GFLOP
        assertEquals(2.0, json.get("train_ratio"));
        assertEquals(1.5, json.get("infer_ratio"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        VitBenchReport.printText(
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                S,
                R,
                Device.CPU,
                2,
                torch,
                json,
                Optional.empty(),
                false);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("ViT dim 16 depth 1 heads 2, 8x8x1 patch 4, batch 4, 2 threads, on cpu"), text);
        assertTrue(text.contains("ratio  train     2.00x          infer     1.50x"), text);
    }

    @Test
    void withoutAPeerThereAreNoRatios() {
        Map<String, Object> json = VitBenchReport.json(S, R, Device.CPU, 1, Optional.empty(), null);
        assertEquals("infer_peak_heap_bytes", List.copyOf(json.keySet()).getLast());
    }
}
