package dev.loupe.eval.features;

import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.transform.Transform;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.stream.IntStream;

/** The raw-pixel baseline: each image after the eval transform, flattened to (C H W) features. */
public final class RawPixelFeatures {
    private RawPixelFeatures() {}

    /** Features (N, C H W) and labels (N) of data, each image through transform (random transforms draw from Rng(i)). */
    public static FeatureSet extract(Dataset data, Transform transform) {
        int n = data.size();
        if (n == 0) throw new IllegalArgumentException("raw pixel features: data set '" + data.name() + "' is empty");
        Image[] images = new Image[n];
        long[] labels = new long[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            Sample s = data.get(i);
            images[i] = transform.apply(s.image(), new Rng(i));
            labels[i] = s.label();
        });
        int f = images[0].pixels().length;
        float[] features = new float[n * f]; // (N, C H W)
        for (int i = 0; i < n; i++) {
            if (images[i].pixels().length != f) {
                throw new IllegalArgumentException("raw pixel features: '" + data.name() + "' sample " + i + " is "
                        + images[i] + " after the transform, but sample 0 is " + images[0]);
            }
            System.arraycopy(images[i].pixels(), 0, features, i * f, f);
        }
        return new FeatureSet(Tensor.of(features, n, f), Tensor.ofLongs(labels, n), data.classNames());
    }
}
