package dev.loupe.eval.features;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.transform.Transform;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Runs a frozen ViT over a data set and collects one feature vector per sample ({@link FeatureMode}).
 * The model runs in eval mode under no-grad (its training flag is restored afterwards); samples are
 * decoded and transformed in parallel per batch, and the tensor thread pool does the forward pass.
 * Sample i is transformed with an Rng seeded by i, so even a random transform gives the same
 * features on every run (eval transforms are deterministic and ignore it).
 */
public final class FeatureExtractor {
    /** Progress callback: called after each batch with the samples done so far and the total. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);
    }

    private static final System.Logger LOG = System.getLogger(FeatureExtractor.class.getName());
    private static final int LOG_EVERY_BATCHES = 20;

    private final VisionTransformer model;
    private final FeatureMode mode;
    private final int lastBlocks, grid, batchSize;
    private Progress progress; // null: a log line every LOG_EVERY_BATCHES batches

    /**
     * @param lastBlocks k for {@link FeatureMode#LAST_K} (DINO uses 4 for ViT-S, 1 for ViT-B); ignored otherwise
     * @param batchSize  images per forward pass
     */
    public FeatureExtractor(VisionTransformer model, FeatureMode mode, int lastBlocks, int batchSize) {
        this(model, mode, lastBlocks, 0, batchSize);
    }

    /**
     * @param grid g, the side of the region grid of {@link FeatureMode#LAST_K_MEAN_GRID}: 1 <= g <= the patch
     *             grid's side; ignored by the other modes
     */
    public FeatureExtractor(VisionTransformer model, FeatureMode mode, int lastBlocks, int grid, int batchSize) {
        if (batchSize < 1)
            throw new IllegalArgumentException("feature extraction: batch size must be >= 1, got " + batchSize);
        if (mode.readsLastBlocks() && (lastBlocks < 1 || lastBlocks > model.blocks.size())) {
            throw new IllegalArgumentException(
                    "feature extraction: last-k needs 1 <= k <= depth " + model.blocks.size() + ", got " + lastBlocks);
        }
        int side = model.config().gridSize();
        if (mode == FeatureMode.LAST_K_MEAN_GRID && (grid < 1 || grid > side)) {
            throw new IllegalArgumentException(
                    "feature extraction: a grid of regions needs 1 <= g <= the patch grid's side " + side + ", got "
                            + grid);
        }
        this.model = model;
        this.mode = mode;
        this.lastBlocks = lastBlocks;
        this.grid = mode == FeatureMode.LAST_K_MEAN_GRID ? grid : 0;
        this.batchSize = batchSize;
    }

    /** CLS features in batches of 64. */
    public FeatureExtractor(VisionTransformer model) {
        this(model, FeatureMode.CLS, 1, 64);
    }

    /** Replaces the default progress report (a log line every 20 batches). */
    public FeatureExtractor onProgress(Progress p) {
        this.progress = p;
        return this;
    }

    /** The feature definition for cache keys and reports ("cls", "mean", "last4", "cls+mean", "last4+mean", "last4+mean+grid3"). */
    public String describe() {
        return mode.describe(lastBlocks, grid);
    }

    /** Feature width F for this model and mode. */
    public int featureDim() {
        int d = model.config().dim();
        return switch (mode) {
            case CLS, MEAN -> d;
            case LAST_K -> lastBlocks * d;
            case CLS_MEAN -> 2 * d;
            case LAST_K_MEAN -> (lastBlocks + 1) * d;
            case LAST_K_MEAN_GRID -> (lastBlocks + 1 + grid * grid) * d;
        };
    }

    /** Features of every sample of {@code data} after {@code transform}. */
    public FeatureSet extract(Dataset data, Transform transform) {
        int n = data.size();
        if (n == 0) throw new IllegalArgumentException("feature extraction: data set '" + data.name() + "' is empty");
        int f = featureDim();
        float[] features = new float[n * f];
        long[] labels = new long[n];
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var scope = GradMode.disable()) {
            int batches = (n + batchSize - 1) / batchSize;
            for (int bi = 0; bi < batches; bi++) {
                int start = bi * batchSize, count = Math.min(batchSize, n - start);
                Tensor images = loadBatch(data, transform, start, count, labels); // (B, C, H, W)
                float[] out = features(images).toFloatArray(); // (B, F)
                System.arraycopy(out, 0, features, start * f, count * f);
                if (progress != null) progress.update(start + count, n);
                else if ((bi + 1) % LOG_EVERY_BATCHES == 0 || bi == batches - 1) {
                    LOG.log(
                            System.Logger.Level.INFO,
                            "features of {0}: {1}/{2} samples",
                            data.name(),
                            start + count,
                            n);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new FeatureSet(Tensor.of(features, n, f), Tensor.ofLongs(labels, n), data.classNames());
    }

    /** images (B, C, H, W) -> features (B, F) on the model's device; call under no-grad with the model in eval mode. */
    public Tensor features(Tensor images) {
        Var x = Var.of(images.to(model.clsToken.data().device()));
        Var out =
                switch (mode) {
                    case CLS -> model.forwardTokens(x).select(1, 0);
                    case MEAN -> model.meanPatchToken(model.forwardTokens(x));
                    case LAST_K -> BackboneOutputs.lastBlocksCls(model, x, lastBlocks);
                    case LAST_K_MEAN -> BackboneOutputs.lastBlocksClsAndMean(model, x, lastBlocks);
                    case LAST_K_MEAN_GRID -> BackboneOutputs.lastBlocksClsMeanAndGrid(model, x, lastBlocks, grid);
                    case CLS_MEAN -> {
                        Var t = model.forwardTokens(x);
                        yield Var.concat(1, List.of(t.select(1, 0), model.meanPatchToken(t))); // (B, 2 D)
                    }
                };
        return out.data().contiguous();
    }

    /** Decodes and transforms samples [start, start + count) in parallel; fills their labels. */
    private static Tensor loadBatch(Dataset data, Transform transform, int start, int count, long[] labels) {
        Image[] images = new Image[count];
        IntStream.range(0, count).parallel().forEach(j -> {
            Sample s = data.get(start + j);
            images[j] = transform.apply(s.image(), new Rng(start + j));
            labels[start + j] = s.label();
        });
        Image first = images[0];
        int per = first.pixels().length;
        float[] pixels = new float[count * per];
        for (int j = 0; j < count; j++) {
            Image im = images[j];
            if (im.channels() != first.channels() || im.height() != first.height() || im.width() != first.width()) {
                throw new IllegalArgumentException("feature extraction: '" + data.name() + "' sample " + (start + j)
                        + " is " + im + " after the transform, but sample " + start + " is " + first
                        + "; the eval transform must give one size");
            }
            System.arraycopy(im.pixels(), 0, pixels, j * per, per);
        }
        return Tensor.of(pixels, count, first.channels(), first.height(), first.width());
    }

    @Override
    public String toString() {
        return "FeatureExtractor(" + describe() + ", batch " + batchSize + ", dim " + featureDim() + ")";
    }
}
