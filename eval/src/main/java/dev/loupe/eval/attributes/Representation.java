package dev.loupe.eval.attributes;

import dev.loupe.clip.ClipModel;
import dev.loupe.data.Dataset;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.features.FeatureExtractor;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.eval.features.RawPixelFeatures;
import dev.loupe.eval.zeroshot.ClipImageEncoder;

/**
 * Whatever turns images into frozen feature vectors: a backbone, a CLIP image tower, raw pixels, or a
 * test's stand-in. The probes see only this, so every representation is measured by the same code.
 */
@FunctionalInterface
public interface Representation {
    /** Features (N, F) of every sample of data, row i for sample i (the labels are ignored). */
    FeatureSet extract(Dataset data);

    /** A ViT backbone's features ({@link FeatureExtractor}) of images after transform. */
    static Representation backbone(FeatureExtractor extractor, Transform transform) {
        return data -> extractor.extract(data, transform);
    }

    /** A CLIP / SLIP model's image embeddings (the projection's output, what zero-shot compares with text). */
    static Representation clipImages(ClipModel model, Transform transform, int batch) {
        ClipImageEncoder encoder = new ClipImageEncoder(model, batch);
        return data -> encoder.encode(data, transform);
    }

    /** The flattened pixels after transform: the baseline every learned representation should beat. */
    static Representation pixels(Transform transform) {
        return data -> RawPixelFeatures.extract(data, transform);
    }
}
