package dev.loupe.eval.knn;

import dev.loupe.data.Dataset;
import dev.loupe.data.EvenSubset;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.CenterCrop;
import dev.loupe.data.transform.Compose;
import dev.loupe.data.transform.Interpolation;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Resize;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.collapse.RankMe;
import dev.loupe.eval.features.FeatureExtractor;
import dev.loupe.eval.features.FeatureMode;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.Evaluation;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The evaluation of self-supervised training: the current backbone (DINO's teacher, MAE's encoder,
 * SimCLR's image tower) copied into a plain ViT, CLS features of fixed subsets of the train and test
 * splits, and a weighted kNN (DINO's, temperature 0.07) reported as "knn_top1" (a fraction in [0, 1]).
 * As a collapse diagnostic it also reports "rankme", the effective rank ({@link RankMe}) of the
 * training subset's features: near 1 when the features have collapsed, up to min(N, D).
 * The copy leaves the training state untouched, so evaluations do not disturb an exact resume.
 */
public final class KnnMonitor implements Evaluation {
    public static final String METRIC = "knn_top1";

    private final VisionTransformer probe;
    private final FeatureMode mode; // the pooling the model trains with: CLS or mean patch token
    private final Supplier<Map<String, Tensor>> backboneState;
    private final Dataset train, test;
    private final Transform transform;
    private final int k, batch;

    /**
     * How much the monitor measures.
     *
     * @param trainImages evenly spaced training images the kNN searches (0: all)
     * @param testImages  evenly spaced test images it classifies (0: all)
     * @param k           neighbours
     * @param batch       images per forward pass
     */
    public record Settings(int trainImages, int testImages, int k, int batch) {
        public Settings {
            if (k < 1) throw new IllegalArgumentException("--knn-k must be >= 1, got " + k);
            if (batch < 1) throw new IllegalArgumentException("--eval-batch must be >= 1, got " + batch);
        }
    }

    /**
     * @param backbone      the backbone's shape (no head)
     * @param backboneState the backbone's current weights under timm ViT names
     */
    public KnnMonitor(
            ViTConfig backbone, Supplier<Map<String, Tensor>> backboneState, LabelledData data, Settings options) {
        this.probe = new VisionTransformer(backbone.withDropPath(0), new Rng(0));
        this.mode = backbone.meanPool() ? FeatureMode.MEAN : FeatureMode.CLS;
        this.backboneState = backboneState;
        this.train = EvenSubset.of(data.train(), options.trainImages());
        this.test = EvenSubset.of(data.test(), options.testImages());
        this.transform = evalTransform(RecipeConfig.of(data.imageSize(), data.mean(), data.std()));
        this.k = options.k();
        this.batch = options.batch();
    }

    /** Resize to the model's side, centre crop (a no-op for images of that side), normalise. */
    public static Transform evalTransform(RecipeConfig recipe) {
        return new Compose(
                new Resize(recipe.size(), Interpolation.BILINEAR, recipe.antialias()),
                new CenterCrop(recipe.size()),
                recipe.normalize());
    }

    /** The current backbone as a plain ViT (a copy). */
    public VisionTransformer backbone() {
        probe.loadStateDict(backboneState.get(), true);
        return probe;
    }

    @Override
    public Map<String, Double> evaluate(long step, int epoch) {
        FeatureExtractor extractor = new FeatureExtractor(backbone(), mode, 1, batch).onProgress((done, total) -> {});
        FeatureSet trainFeatures = extractor.extract(train, transform);
        FeatureSet testFeatures = extractor.extract(test, transform);
        List<KnnResult> r = new KnnClassifier().evaluate(trainFeatures, testFeatures, k);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(METRIC, r.getFirst().top1() / 100); // a fraction, as test_accuracy
        out.put(RankMe.METRIC, RankMe.of(trainFeatures.features()));
        return out;
    }
}
