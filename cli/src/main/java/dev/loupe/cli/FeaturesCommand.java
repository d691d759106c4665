package dev.loupe.cli;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.run.ProgressReporter;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Finite;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loupe features}: ViT inference from a safetensors file on images from a .npy file. */
@Command(
        name = "features",
        description =
                "Run a ViT (built from the weights' shapes and metadata) on images and write features or logits as .npy.")
final class FeaturesCommand implements Runnable {
    @Option(names = "--weights", required = true, description = "timm/DINO-named ViT weights (.safetensors).")
    Path weights;

    @Option(
            names = "--heads",
            description = "Attention heads (default: the file's metadata, written by loupe train; else width / 64).")
    Integer heads;

    @Option(names = "--images", required = true, description = "float32 N x C x H x W, already normalised (.npy).")
    Path images;

    @Option(names = "--out", required = true, description = "Output .npy (float32).")
    Path out;

    @Option(
            names = "--output",
            defaultValue = "cls",
            description =
                    "cls (final-norm CLS token, default), pooled (what the head reads: CLS, or the mean patch token for mean-pool weights) or logits (head).")
    String output;

    @Option(names = "--batch", defaultValue = "64", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "Worker threads (default: cores).")
    Integer threads;

    @Mixin
    DeviceOption device;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (heads != null && heads < 1) throw new IllegalArgumentException("--heads must be >= 1, got " + heads);
        if (!output.equals("cls") && !output.equals("pooled") && !output.equals("logits")) {
            throw new IllegalArgumentException("--output must be cls, pooled or logits, got '" + output + "'");
        }
        Path outDir = out.toAbsolutePath().getParent();
        if (outDir != null && !java.nio.file.Files.isDirectory(outDir)) {
            throw new IllegalArgumentException("--out " + out + ": the folder " + outDir + " does not exist");
        }
        try {
            VisionTransformer model = VitWeights.read(weights, new VitWeights.Overrides(heads, null));
            ViTConfig config = model.config();
            if (output.equals("logits") && config.numClasses() == 0) {
                throw new IllegalArgumentException(weights + " has no head.weight: use --output cls");
            }
            model.train(false);
            Device onDevice = device.device();
            model.to(onDevice);
            Tensor x = Npy.read(images);
            int[] s = x.sizes();
            if (x.rank() != 4
                    || s[1] != config.channels()
                    || s[2] != config.imageSize()
                    || s[3] != config.imageSize()) {
                throw new IllegalArgumentException(
                        images + ": images " + x.shape() + " do not match the model's input (N, " + config.channels()
                                + ", " + config.imageSize() + ", " + config.imageSize() + ")");
            }
            if (x.dtype() != DType.F32 && x.dtype() != DType.F64) {
                throw new IllegalArgumentException(images + ": images are " + x.dtype()
                        + "; features needs float32 (or float64)," + " already normalised as the model was trained");
            }
            Finite.require(x, images.toString()); // a NaN image would give NaN features with exit 0
            if (x.dtype() != DType.F32) x = x.to(DType.F32);
            List<Tensor> parts = new ArrayList<>();
            try (var scope = GradMode.disable();
                    ProgressBar bar = ProgressReporter.interactiveTerminal()
                            ? new ProgressBarBuilder()
                                    .setTaskName("features")
                                    .setInitialMax(s[0])
                                    .setUnit(" images", 1)
                                    .showSpeed()
                                    .build()
                            : null) {
                for (int i = 0; i < s[0]; i += batch) {
                    Var xb = Var.of(x.narrow(0, i, Math.min(batch, s[0] - i)).to(onDevice));
                    parts.add(
                            switch (output) {
                                case "cls" ->
                                    model.forwardTokens(xb).select(1, 0).data().cpu(); // (b, D)
                                case "pooled" ->
                                    model.forwardFeatures(xb).data().cpu(); // (b, D)
                                default -> model.forward(xb).data().cpu(); // (b, K)
                            });
                    if (bar != null) bar.stepTo(Math.min(i + batch, s[0]));
                }
            }
            Tensor result = parts.isEmpty()
                    ? Tensor.zeros(0, output.equals("logits") ? config.numClasses() : config.dim())
                    : Tensor.concat(0, parts.toArray(Tensor[]::new));
            Npy.write(out, result);
            System.out.println("wrote " + out + " " + result.shape() + " (" + config.depth() + " blocks, dim "
                    + config.dim() + ", heads " + config.heads() + ", " + config.patchLabel()
                    + (config.meanPool() ? ", mean pool" : "") + ", " + config.imageSize() + "px)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }
}
