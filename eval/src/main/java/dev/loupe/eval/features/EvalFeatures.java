package dev.loupe.eval.features;

import dev.loupe.data.Dataset;
import dev.loupe.data.EvenSubset;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.nn.VisionTransformer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Train and test features of a labelled data set for kNN and linear probes: raw pixels, or a frozen
 * ViT's features of the eval-transformed images (resize, centre crop, normalise), with progress lines.
 * A ViT's features go through a {@link FeatureCache} when one is given with the weights file they key on.
 *
 * @param train       features of the (possibly limited) training split
 * @param test        features of the test split
 * @param description what the features are ("pixels", "cls", "last4", ...)
 * @param dataset     the data set's name
 */
public record EvalFeatures(FeatureSet train, FeatureSet test, String description, String dataset) {
    private static final Pattern LAST_K = Pattern.compile("last(\\d+)(\\+mean(\\+grid(\\d+))?)?");

    /** Flattened pixels of the first {@code trainLimit} (0: all, evenly spaced) training images and of the test images. */
    public static EvalFeatures pixels(LabelledData data, int trainLimit, PrintStream progress) {
        Dataset train = trainSplit(data, trainLimit);
        progress.printf(
                Locale.ROOT,
                "raw pixel features of %s (%d train, %d test)%n",
                data.name(),
                train.size(),
                data.test().size());
        Transform t = transform(data);
        return new EvalFeatures(
                RawPixelFeatures.extract(train, t), RawPixelFeatures.extract(data.test(), t), "pixels", data.name());
    }

    /**
     * The extractor's features of both splits.
     *
     * @param cache   a cache, or null for none
     * @param weights the file the model was read from (the cache's key), or null when it has none
     */
    public static EvalFeatures of(
            FeatureExtractor extractor,
            LabelledData data,
            int trainLimit,
            FeatureCache cache,
            Path weights,
            PrintStream progress) {
        Dataset train = trainSplit(data, trainLimit);
        FeatureSet trainFeatures =
                extract(extractor, train, data.name() + "/train/" + train.size(), data, cache, weights, progress);
        FeatureSet testFeatures = extract(
                extractor, data.test(), data.name() + "/test/" + data.test().size(), data, cache, weights, progress);
        return new EvalFeatures(trainFeatures, testFeatures, extractor.describe(), data.name());
    }

    /**
     * An extractor for a feature spec: cls, mean, cls+mean, lastN (the CLS tokens of the last N blocks),
     * lastN+mean (those and the mean patch token, DINOv2's linear input) or lastN+mean+gridG (those and the
     * patch tokens averaged over a G x G grid of regions, {@link FeatureMode#LAST_K_MEAN_GRID}).
     */
    public static FeatureExtractor extractor(VisionTransformer vit, String spec, int batch) {
        String f = spec.toLowerCase(Locale.ROOT);
        Matcher last = LAST_K.matcher(f);
        if (f.equals("cls")) return new FeatureExtractor(vit, FeatureMode.CLS, 1, batch);
        if (f.equals("mean")) return new FeatureExtractor(vit, FeatureMode.MEAN, 1, batch);
        if (f.equals("cls+mean")) return new FeatureExtractor(vit, FeatureMode.CLS_MEAN, 1, batch);
        if (last.matches()) {
            int k = Integer.parseInt(last.group(1));
            if (last.group(4) != null)
                return new FeatureExtractor(
                        vit, FeatureMode.LAST_K_MEAN_GRID, k, Integer.parseInt(last.group(4)), batch);
            FeatureMode mode = last.group(2) != null ? FeatureMode.LAST_K_MEAN : FeatureMode.LAST_K;
            return new FeatureExtractor(vit, mode, k, batch);
        }
        throw new IllegalArgumentException(
                "unknown --features '" + spec
                        + "' (cls, mean, cls+mean, lastN such as last4, lastN+mean, or lastN+mean+gridG such as last4+mean+grid3)");
    }

    private static Dataset trainSplit(LabelledData data, int trainLimit) {
        if (data.numClasses() == 0)
            throw new IllegalArgumentException("--data " + data.name() + " has no class labels to evaluate with");
        return EvenSubset.of(data.train(), trainLimit);
    }

    private static Transform transform(LabelledData data) {
        return KnnMonitor.evalTransform(RecipeConfig.of(data.imageSize(), data.mean(), data.std()));
    }

    private static FeatureSet extract(
            FeatureExtractor extractor,
            Dataset split,
            String splitKey,
            LabelledData data,
            FeatureCache cache,
            Path weights,
            PrintStream progress) {
        long started = System.nanoTime();
        int every = Math.max(1, split.size() / 10);
        int[] nextReport = {every};
        extractor.onProgress((done, total) -> {
            if (done >= nextReport[0] || done == total) {
                double s = (System.nanoTime() - started) / 1e9;
                progress.printf(
                        Locale.ROOT,
                        "features of %s: %d/%d (%.0f img/s)%n",
                        split.name(),
                        done,
                        total,
                        done / Math.max(s, 1e-9));
                nextReport[0] = done + every;
            }
        });
        Transform transform = transform(data);
        if (cache == null || weights == null) return extractor.extract(split, transform);
        try {
            String key = FeatureCache.key(
                    weights, splitKey, "resize " + data.imageSize() + ", center crop, normalize", extractor.describe());
            var hit = cache.load(key);
            if (hit.isPresent()) {
                progress.println("features of " + split.name() + ": from the cache " + cache.fileFor(key));
                return hit.get();
            }
            FeatureSet computed = extractor.extract(split, transform);
            cache.save(key, computed);
            return computed;
        } catch (IOException e) {
            throw new UncheckedIOException("feature cache " + cache.dir() + ": " + e.getMessage(), e);
        }
    }
}
