package dev.loupe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.train.StepBuffers;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.KernelProfiler;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Images per second for one ViT training step (forward, cross-entropy, backward, AdamW) and one
 * inference pass, with the same model, flags and step counts as ../shared/anchors/torch_vit_step.py.
 */
public final class VitSpeed {
    /**
     * What was measured; the profiles are empty unless profiling was asked for. Bytes are the
     * heap allocated by all threads per training step and per inference pass (JVM's allocation
     * counters); the peaks are the heap in use at its highest during each timed loop (the heap pools'
     * peaks summed, garbage not yet collected included); flops are per image, counted from the model's
     * shapes (see {@link #forwardFlops}).
     */
    public record Result(
            double trainImagesPerSecond,
            double inferImagesPerSecond,
            List<KernelProfiler.Entry> trainProfile,
            List<KernelProfiler.Entry> inferProfile,
            long trainBytesPerStep,
            long inferBytesPerPass,
            long trainPeakHeapBytes,
            long inferPeakHeapBytes,
            double forwardFlopsPerImage) {
        /** Training: forward plus backward (about twice the forward's products) = 3x the forward. */
        public double trainGflops() {
            return trainImagesPerSecond * 3 * forwardFlopsPerImage / 1e9;
        }

        public double inferGflops() {
            return inferImagesPerSecond * forwardFlopsPerImage / 1e9;
        }
    }

    private VitSpeed() {}

    /** {@link #measure(VitBenchSettings, boolean, Device)} on the CPU. */
    public static Result measure(VitBenchSettings s, boolean profile) {
        return measure(s, profile, Device.CPU);
    }

    /**
     * Times s.steps() training steps and inference passes after s.warmup() of each, with the model, the
     * batch and the optimiser state on {@code device}. Device kernels run asynchronously, so each timed
     * loop ends by reading one value back (which waits for them).
     */
    public static Result measure(VitBenchSettings s, boolean profile, Device device) {
        int batch = s.batch(), steps = s.steps(), warmup = s.warmup(), chans = s.chans(), img = s.img();
        Rng rng = new Rng(0);
        VisionTransformer model =
                new VisionTransformer(ViTConfig.of(img, s.patch(), chans, s.dim(), s.depth(), s.heads(), 10), rng);
        model.to(device);
        AdamW opt = new AdamW(ParamGroup.single(model.namedParameters()), 1e-3);
        Var x = Var.of(Tensor.randn(rng, batch, chans, img, img).to(device));
        long[] labels = new long[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(10);
        Tensor y = Tensor.ofLongs(labels).to(device);
        Runnable sync = () -> model.clsToken.data().max(false).item();

        StepBuffers buffers = new StepBuffers(); // the trainer's array reuse across steps
        Runnable step = () -> buffers.run(model, opt, () -> {
            opt.zeroGrad();
            model.forward(x).crossEntropy(y, 0).backward();
            opt.step();
            return null;
        });
        for (int i = 0; i < warmup; i++) step.run();
        sync.run();
        if (profile) KernelProfiler.start();
        resetHeapPeaks();
        long bytes0 = allocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) step.run();
        sync.run();
        long trainPeak = heapPeak();
        double train = (double) batch * steps / ((System.nanoTime() - t0) * 1e-9);
        long trainBytes = (allocatedBytes() - bytes0) / Math.max(1, steps);
        List<KernelProfiler.Entry> rows = profile ? KernelProfiler.stop() : List.of();

        model.train(false);
        double infer;
        try (var scope = GradMode.disable()) {
            for (int i = 0; i < warmup; i++) model.forward(x);
            sync.run();
            if (profile) KernelProfiler.start();
            resetHeapPeaks();
            bytes0 = allocatedBytes();
            t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) model.forward(x);
            sync.run();
            infer = (double) batch * steps / ((System.nanoTime() - t0) * 1e-9);
        }
        long inferPeak = heapPeak();
        List<KernelProfiler.Entry> inferRows = profile ? KernelProfiler.stop() : List.of();
        long inferBytes = (allocatedBytes() - bytes0) / Math.max(1, steps);
        return new Result(
                train,
                infer,
                rows,
                inferRows,
                trainBytes,
                inferBytes,
                trainPeak,
                inferPeak,
                forwardFlops(s.dim(), s.depth(), img, s.patch(), chans, 10));
    }

    /**
     * Forward flops of one image (2 per multiply-add): the patch projection, per block the qkv,
     * output, and two MLP (4x) products plus attention's two T x T products, and the head.
     */
    public static double forwardFlops(int dim, int depth, int img, int patch, int chans, int classes) {
        double patches = Math.pow(img / patch, 2), tokens = patches + 1, d = dim;
        double embed = 2 * patches * d * chans * patch * patch;
        double block = 2 * tokens * (3 * d * d + d * d + 8 * d * d) + 2 * 2 * tokens * tokens * d;
        return embed + depth * block + 2 * d * classes;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }

    private static void resetHeapPeaks() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The heap pools' peak usage since the last reset, summed. */
    private static long heapPeak() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** The measured figures in the peer's JSON names (images/s, GFLOP/s, bytes), rounded as printed. */
    public static Map<String, Object> toMap(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("train_img_s", Math.round(r.trainImagesPerSecond() * 100) / 100.0);
        m.put("infer_img_s", Math.round(r.inferImagesPerSecond() * 100) / 100.0);
        m.put("train_gflops", Math.round(r.trainGflops() * 10) / 10.0);
        m.put("infer_gflops", Math.round(r.inferGflops() * 10) / 10.0);
        m.put("train_bytes_per_step", r.trainBytesPerStep());
        m.put("infer_bytes_per_pass", r.inferBytesPerPass());
        m.put("train_peak_heap_bytes", r.trainPeakHeapBytes());
        m.put("infer_peak_heap_bytes", r.inferPeakHeapBytes());
        return m;
    }

    /** PyTorch's figures for the same settings (../shared/anchors/torch_vit_step.py, best of 1 and 2 threads). */
    public static JsonNode peer(VitBenchSettings s) {
        List<JsonNode> rows = Peer.run(Peer.anchor("torch_vit_step.py"), s.peerArgs(), Map.of());
        if (rows.isEmpty()) throw new IllegalStateException("the PyTorch peer printed no result");
        return rows.getLast();
    }

    /** Heap bytes allocated so far by all threads, live and ended (the worker pool included). */
    private static long allocatedBytes() {
        return ManagementFactory.getPlatformMXBean(com.sun.management.ThreadMXBean.class)
                .getTotalThreadAllocatedBytes();
    }
}
