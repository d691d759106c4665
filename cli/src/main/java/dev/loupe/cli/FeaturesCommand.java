package dev.loupe.cli;

import dev.loupe.eval.features.ImageTensorFeatures;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.run.ProgressReporter;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
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
        ImageTensorFeatures.Output kind = ImageTensorFeatures.Output.parse(output);
        Path outDir = out.toAbsolutePath().getParent();
        if (outDir != null && !Files.isDirectory(outDir)) {
            throw new IllegalArgumentException("--out " + out + ": the folder " + outDir + " does not exist");
        }
        try {
            VisionTransformer model = VitWeights.read(weights, new VitWeights.Overrides(heads, null));
            ViTConfig config = model.config();
            if (kind == ImageTensorFeatures.Output.LOGITS && config.numClasses() == 0) {
                throw new IllegalArgumentException(weights + " has no head.weight: use --output cls");
            }
            model.train(false);
            Device onDevice = device.device();
            model.to(onDevice);
            Tensor x = ImageTensorFeatures.checkedImages(Npy.read(images), config, images.toString());
            Tensor result;
            try (ProgressBar bar = ProgressReporter.countBar("features", x.sizes()[0], " images")) {
                result = ImageTensorFeatures.compute(model, x, kind, batch, onDevice, done -> {
                    if (bar != null) bar.stepTo(done);
                });
            }
            Npy.write(out, result);
            System.out.println(
                    "wrote " + out + " " + result.shape() + " (" + ImageTensorFeatures.describe(config) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
