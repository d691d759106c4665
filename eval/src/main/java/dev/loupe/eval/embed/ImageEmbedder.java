package dev.loupe.eval.embed;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Image;
import dev.loupe.nn.Module;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Embeddings of images by a saved ViT: its pooled features (B, D) after the final norm -- the CLS token, or
 * the mean patch token for a mean-pooled model -- without gradients, in eval mode, in batches. The
 * preprocessing comes from the weights file ({@link VitWeights#IMAGE_MEAN} / {@link VitWeights#IMAGE_STD},
 * which {@code loupe train} records; ImageNet's statistics for an RGB file without them, as timm does).
 *
 * <pre>{@code
 * ImageEmbedder embedder = ImageEmbedder.load(Path.of("runs/dino/model.safetensors"));
 * float[][] vectors = embedder.embedFiles(ImageFiles.in(Path.of("photos")));   // (N, D)
 * }</pre>
 */
public final class ImageEmbedder {
    private static final int BATCH = 64;
    private final VisionTransformer model;
    private final Preprocessing preprocessing;

    public ImageEmbedder(VisionTransformer model, Preprocessing preprocessing) {
        if (preprocessing.size() != model.config().imageSize()
                || preprocessing.channels() != model.config().channels()) {
            throw new IllegalArgumentException(preprocessing + " does not give the model's input ("
                    + model.config().channels() + ", " + model.config().imageSize() + ", "
                    + model.config().imageSize() + ")");
        }
        this.model = model;
        this.preprocessing = preprocessing;
    }

    /** The ViT in a timm-named weights file (a training checkpoint gives its backbone) with its preprocessing. */
    public static ImageEmbedder load(Path weights) throws IOException {
        VisionTransformer vit = VitWeights.read(weights);
        return new ImageEmbedder(
                vit,
                preprocessing(
                        weights.toString(),
                        SafeTensors.readMetadata(weights),
                        vit.config().imageSize(),
                        vit.config().channels()));
    }

    /** The preprocessing a ViT weights file records; ImageNet's statistics for RGB when it records none. */
    public static Preprocessing preprocessing(String what, Map<String, String> metadata, int size, int channels) {
        float[] mean = VitWeights.floats(what, metadata, VitWeights.IMAGE_MEAN);
        float[] std = VitWeights.floats(what, metadata, VitWeights.IMAGE_STD);
        if (mean == null || std == null) {
            if (channels != 3) {
                throw new IllegalArgumentException(
                        what + " records no " + VitWeights.IMAGE_MEAN + " / " + VitWeights.IMAGE_STD
                                + " and has " + channels
                                + " channel(s), so no default applies; build the embedder with new ImageEmbedder(model, "
                                + "new Preprocessing(size, channels, mean, std))");
            }
            return new Preprocessing(size, channels, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD);
        }
        return new Preprocessing(size, channels, mean, std);
    }

    public VisionTransformer model() {
        return model;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Embedding width D. */
    public int dim() {
        return model.config().dim();
    }

    /** Decoded images (any size, grey or RGB, pixels in [0, 1]) -> embeddings (N, D). */
    public Tensor embed(List<Image> images) {
        return inBatches(model, model::forwardFeatures, preprocessing, images.size(), images::subList);
    }

    /** Image files (PNG, JPEG, BMP) -> embeddings, one row per file, in the files' order. */
    public float[][] embedFiles(List<Path> files) {
        return rows(inBatches(
                model,
                model::forwardFeatures,
                preprocessing,
                files.size(),
                (from, to) -> ImageFiles.decode(files.subList(from, to))));
    }

    /** (N, D) -> N rows of D floats. */
    public static float[][] rows(Tensor t) {
        if (t.rank() != 2) throw new IllegalArgumentException("expected embeddings (N, D), got " + t.shape());
        float[] flat = t.contiguous().toFloatArray();
        int n = t.size(0), d = t.size(1);
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) System.arraycopy(flat, i * d, out[i], 0, d);
        return out;
    }

    /** Images [from, to) of a list. */
    interface Slice {
        List<Image> get(int from, int to);
    }

    /** forward over n images in batches of 64, preprocessed, without gradients and with module in eval mode: (N, E). */
    static Tensor inBatches(Module module, UnaryOperator<Var> forward, Preprocessing prep, int n, Slice images) {
        if (n == 0) throw new IllegalArgumentException("no images to embed");
        Tensor[] parts = new Tensor[(n + BATCH - 1) / BATCH];
        boolean wasTraining = module.isTraining();
        module.train(false);
        try (var scope = GradMode.disable()) {
            for (int b = 0; b < parts.length; b++) {
                int from = b * BATCH, to = Math.min(n, from + BATCH);
                List<Image> chunk = images.get(from, to);
                parts[b] = forward.apply(Var.of(prep.batch(chunk, 0, chunk.size())))
                        .data()
                        .contiguous();
            }
        } finally {
            module.train(wasTraining);
        }
        return parts.length == 1 ? parts[0] : Tensor.concat(0, parts);
    }
}
