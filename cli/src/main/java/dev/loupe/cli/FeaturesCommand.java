package dev.loupe.cli;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitShapes;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.Npy;
import dev.loupe.tensor.io.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code loupe features}: ViT inference from a safetensors file on images from a .npy file. */
@Command(name = "features", description = "Run a ViT (built from the weight shapes) on images and write features or logits as .npy.")
final class FeaturesCommand implements Runnable {
    @Option(names = "--weights", required = true, description = "timm/DINO-named ViT weights (.safetensors).")
    Path weights;

    @Option(names = "--heads", required = true, description = "Attention heads (not recoverable from shapes).")
    int heads;

    @Option(names = "--images", required = true, description = "float32 N x C x H x W, already normalised (.npy).")
    Path images;

    @Option(names = "--out", required = true, description = "Output .npy (float32).")
    Path out;

    @Option(names = "--output", defaultValue = "cls", description = "cls (final-norm CLS token, default) or logits (head).")
    String output;

    @Option(names = "--batch", defaultValue = "64", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "Worker threads (default: cores).")
    Integer threads;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (heads < 1) throw new IllegalArgumentException("--heads must be >= 1, got " + heads);
        if (!output.equals("cls") && !output.equals("logits")) {
            throw new IllegalArgumentException("--output must be cls or logits, got '" + output + "'");
        }
        Path outDir = out.toAbsolutePath().getParent();
        if (outDir != null && !java.nio.file.Files.isDirectory(outDir)) {
            throw new IllegalArgumentException("--out " + out + ": the folder " + outDir + " does not exist");
        }
        try {
            Map<String, Tensor> state = SafeTensors.read(weights);
            ViTConfig config = VitShapes.infer(state, heads);
            if (output.equals("logits") && config.numClasses() == 0) {
                throw new IllegalArgumentException(weights + " has no head.weight: use --output cls");
            }
            VisionTransformer model = new VisionTransformer(config, new Rng(0));
            model.loadStateDict(state, true);
            model.train(false);
            Tensor x = Npy.read(images);
            int[] s = x.sizes();
            if (x.rank() != 4 || s[1] != config.channels() || s[2] != config.imageSize() || s[3] != config.imageSize()) {
                throw new IllegalArgumentException(images + ": images " + x.shape() + " do not match the model's input (N, "
                        + config.channels() + ", " + config.imageSize() + ", " + config.imageSize() + ")");
            }
            if (x.dtype() != DType.F32 && x.dtype() != DType.F64) {
                throw new IllegalArgumentException(images + ": images are " + x.dtype() + "; features needs float32 (or float64),"
                        + " already normalised as the model was trained");
            }
            if (x.dtype() != DType.F32) x = x.to(DType.F32);
            List<Tensor> parts = new ArrayList<>();
            try (var scope = GradMode.disable()) {
                for (int i = 0; i < s[0]; i += batch) {
                    Var xb = Var.of(x.narrow(0, i, Math.min(batch, s[0] - i)));
                    parts.add(output.equals("cls") ? model.forwardFeatures(xb).data() : model.forward(xb).data());
                    System.err.printf("\rfeatures: %d / %d images", Math.min(i + batch, s[0]), s[0]);
                }
            }
            System.err.println();
            Tensor result = parts.isEmpty() ? Tensor.zeros(0, output.equals("cls") ? config.dim() : config.numClasses())
                    : Tensor.concat(0, parts.toArray(Tensor[]::new));
            Npy.write(out, result);
            System.out.println("wrote " + out + " " + result.shape() + " (" + config.depth() + " blocks, dim " + config.dim()
                    + ", patch " + config.patch() + ", " + config.imageSize() + "px)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }
}
