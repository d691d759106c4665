package dev.loupe.cli.eval;

import dev.loupe.cli.DeviceOption;
import dev.loupe.data.LabelledData;
import dev.loupe.eval.features.EvalFeatures;
import dev.loupe.eval.features.FeatureCache;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Parallel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which features to extract, from how many training images, with what cache, on which device. */
public final class FeatureOptions {
    @Option(
            names = "--features",
            description =
                    "cls (CLS token), mean (mean patch token), cls+mean (both concatenated, DINO's avgpool protocol), lastN (CLS of the last N blocks, e.g. last4), lastN+mean (those and the mean patch token, DINOv2's linear input) or lastN+mean+gridG (those and the last block's patch tokens averaged over a G x G grid of regions, e.g. last4+mean+grid3) (default: the model's own pooling, mean for a mean-pooled model, else cls).")
    public String features;

    @Option(
            names = "--train-limit",
            defaultValue = "0",
            description = "Training images used, evenly spaced (0: all; default ${DEFAULT-VALUE}).")
    public int trainLimit;

    @Option(
            names = "--holdout",
            defaultValue = "0",
            description =
                    "Score on the last N training images instead of the test split, training on the rest: choose features and probe settings without reading the test images (0: the test split; default ${DEFAULT-VALUE}).")
    public int holdout;

    @Option(
            names = "--cache",
            description =
                    "Feature cache folder: extractions are stored and reused for the same weights, data, limit and features.")
    public Path cache;

    @Option(
            names = "--batch",
            defaultValue = "256",
            description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    public int batch;

    @Option(names = "--threads", description = "Compute threads (default: cores).")
    public Integer threads;

    @Mixin
    public DeviceOption device = new DeviceOption();

    /** The features a model was trained to pool: the mean patch token for a mean-pooled model, else CLS. */
    static String ownPooling(VisionTransformer vit) {
        return vit.config().meanPool() ? "mean" : "cls";
    }

    /** The train and test features of data these options ask for: pixels for --weights raw, else the backbone's. */
    public EvalFeatures load(BackboneOptions backbone, LabelledData data, PrintStream progress) {
        if (threads != null) Parallel.setThreads(threads);
        if (holdout > 0) {
            data = data.withHoldout(holdout);
            progress.printf(
                    Locale.ROOT,
                    "holdout: scoring on the last %d training images, training on the first %d (the test split is not read)%n",
                    data.test().size(),
                    data.train().size());
        }
        if (backbone.raw()) return EvalFeatures.pixels(data, trainLimit, progress);
        VisionTransformer vit = backbone.load(data, 0, 0);
        vit.to(device.device());
        return EvalFeatures.of(
                EvalFeatures.extractor(vit, features != null ? features : ownPooling(vit), batch),
                data,
                trainLimit,
                cache == null ? null : new FeatureCache(cache),
                backbone.file(),
                progress);
    }
}
