package dev.loupe.eval.zeroshot;

import dev.loupe.autograd.GradMode;
import dev.loupe.clip.ClipModel;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.stream.IntStream;

/**
 * A CLIP model's image embeddings (not normalised) of a whole data set, in batches, without gradients
 * and in eval mode; sample i is decoded and transformed with Rng(i) so the result is reproducible.
 */
public final class ClipImageEncoder {
    private final ClipModel model;
    private final int batchSize;

    public ClipImageEncoder(ClipModel model, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("image batch size must be >= 1, got " + batchSize);
        this.model = model;
        this.batchSize = batchSize;
    }

    /** Embeddings (N, E) and labels (N) (-1 where a sample has none) of every sample. */
    public FeatureSet encode(Dataset data, Transform transform) {
        int n = data.size();
        if (n == 0) throw new IllegalArgumentException("image embeddings: data set '" + data.name() + "' is empty");
        int[] all = IntStream.range(0, n).toArray();
        long[] labels = new long[n];
        Tensor emb = encode(data, transform, all, labels);
        return new FeatureSet(emb, Tensor.ofLongs(labels, n), data.classNames());
    }

    /** Embeddings (M, E) of the samples at {@code indices}, in that order. */
    public Tensor encode(Dataset data, Transform transform, int[] indices) {
        return encode(data, transform, indices, new long[indices.length]);
    }

    private Tensor encode(Dataset data, Transform transform, int[] indices, long[] labels) {
        int m = indices.length, e = model.config().embedDim();
        if (m == 0)
            throw new IllegalArgumentException("image embeddings: no samples of '" + data.name() + "' selected");
        float[] out = new float[m * e];
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var scope = GradMode.disable()) {
            for (int start = 0; start < m; start += batchSize) {
                int count = Math.min(batchSize, m - start);
                float[] emb = model.encodeImage(load(data, transform, indices, start, count, labels))
                        .data()
                        .contiguous()
                        .toFloatArray();
                System.arraycopy(emb, 0, out, start * e, count * e);
            }
        } finally {
            model.train(wasTraining);
        }
        return Tensor.of(out, m, e);
    }

    /** Decodes and transforms indices[start, start + count) in parallel (sample i with Rng(i)); fills their labels. */
    private static Tensor load(Dataset data, Transform transform, int[] indices, int start, int count, long[] labels) {
        Image[] images = new Image[count];
        IntStream.range(0, count).parallel().forEach(j -> {
            int index = indices[start + j];
            Sample s = data.get(index);
            images[j] = transform.apply(s.image(), new Rng(index));
            labels[start + j] = s.label();
        });
        Image first = images[0];
        int per = first.pixels().length;
        float[] pixels = new float[count * per];
        for (int j = 0; j < count; j++) {
            Image im = images[j];
            if (im.channels() != first.channels() || im.height() != first.height() || im.width() != first.width()) {
                throw new IllegalArgumentException("image embeddings: '" + data.name() + "' sample "
                        + indices[start + j] + " is " + im + " after the transform, but sample " + indices[start]
                        + " is " + first + "; the eval transform must give one size");
            }
            System.arraycopy(im.pixels(), 0, pixels, j * per, per);
        }
        return Tensor.of(pixels, count, first.channels(), first.height(), first.width());
    }
}
