package dev.loupe.cli.eval;

import dev.loupe.data.LabelledData;
import dev.loupe.cli.train.DataOptions;
import dev.loupe.data.EvenSubset;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.data.Dataset;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.features.FeatureCache;
import dev.loupe.eval.features.FeatureExtractor;
import dev.loupe.eval.features.FeatureMode;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.features.RawPixelFeatures;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Parallel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Train and test features for {@code loupe eval knn|linear}: raw pixels, or a frozen ViT's features
 * (from a file or a random initialisation) of the eval-transformed images, with progress lines on
 * stderr. Features of a weights file go through {@link FeatureCache} when --cache is given (raw pixels
 * and random models are cheap to recompute and have no file to key on).
 */
final class FeatureSource {
    private static final Pattern LAST_K = Pattern.compile("last(\\d+)");

    /** The two splits' features and what they are. */
    record Features(FeatureSet train, FeatureSet test, String description, String dataset) {}

    private FeatureSource() {}

    static Features load(BackboneOptions backbone, FeatureOptions options, LabelledData data, PrintStream err) {
        if (options.threads != null) Parallel.setThreads(options.threads);
        if (data.numClasses() == 0) throw new IllegalArgumentException("--data " + data.name() + " has no class labels to evaluate with");
        Dataset train = EvenSubset.of(data.train(), options.trainLimit);
        Transform transform = KnnMonitor.evalTransform(RecipeConfig.of(data.imageSize(), data.mean(), data.std()));
        String transformName = "resize " + data.imageSize() + ", center crop, normalize";
        if (backbone.raw()) {
            err.printf(Locale.ROOT, "raw pixel features of %s (%d train, %d test)%n", data.name(), train.size(), data.test().size());
            return new Features(RawPixelFeatures.extract(train, transform), RawPixelFeatures.extract(data.test(), transform), "pixels", data.name());
        }
        VisionTransformer vit = backbone.load(data, 0, 0);
        FeatureExtractor extractor = extractor(vit, options);
        FeatureSet trainFeatures = extract(backbone, options, extractor, train, data.name() + "/train/" + train.size(), transformName, transform, err);
        FeatureSet testFeatures = extract(backbone, options, extractor, data.test(), data.name() + "/test/" + data.test().size(), transformName, transform, err);
        return new Features(trainFeatures, testFeatures, extractor.describe(), data.name());
    }

    static FeatureExtractor extractor(VisionTransformer vit, FeatureOptions options) {
        String f = options.features.toLowerCase(Locale.ROOT);
        Matcher last = LAST_K.matcher(f);
        if (f.equals("cls")) return new FeatureExtractor(vit, FeatureMode.CLS, 1, options.batch);
        if (f.equals("mean")) return new FeatureExtractor(vit, FeatureMode.MEAN, 1, options.batch);
        if (f.equals("cls+mean")) return new FeatureExtractor(vit, FeatureMode.CLS_MEAN, 1, options.batch);
        if (last.matches()) return new FeatureExtractor(vit, FeatureMode.LAST_K, Integer.parseInt(last.group(1)), options.batch);
        throw new IllegalArgumentException("unknown --features '" + options.features + "' (cls, mean, cls+mean or lastN such as last4)");
    }

    private static FeatureSet extract(BackboneOptions backbone, FeatureOptions options, FeatureExtractor extractor, Dataset split,
                                      String splitKey, String transformName, Transform transform, PrintStream err) {
        long started = System.nanoTime();
        int every = Math.max(1, split.size() / 10);
        int[] nextReport = {every};
        extractor.onProgress((done, total) -> {
            if (done >= nextReport[0] || done == total) {
                double s = (System.nanoTime() - started) / 1e9;
                err.printf(Locale.ROOT, "features of %s: %d/%d (%.0f img/s)%n", split.name(), done, total, done / Math.max(s, 1e-9));
                nextReport[0] = done + every;
            }
        });
        if (options.cache == null || backbone.file() == null) return extractor.extract(split, transform);
        try {
            FeatureCache cache = new FeatureCache(options.cache);
            String key = FeatureCache.key(backbone.file(), splitKey, transformName, extractor.describe());
            var hit = cache.load(key);
            if (hit.isPresent()) {
                err.println("features of " + split.name() + ": from the cache " + cache.fileFor(key));
                return hit.get();
            }
            FeatureSet computed = extractor.extract(split, transform);
            cache.save(key, computed);
            return computed;
        } catch (IOException e) {
            throw new UncheckedIOException("feature cache " + options.cache + ": " + e.getMessage(), e);
        }
    }
}
