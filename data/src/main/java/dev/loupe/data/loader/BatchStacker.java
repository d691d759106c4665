package dev.loupe.data.loader;

import dev.loupe.data.Batch;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Stacks transformed samples into a {@link Batch}: view v of every sample into one float32
 * (B, C, H, W) tensor, labels into an int64 (B) tensor when the samples have them, captions into a
 * list when they have them. Samples must agree on the number of views, on each view's size and on
 * whether they carry labels and captions; a disagreement is a transform or data set bug and is
 * reported with the two sample keys.
 */
final class BatchStacker {
    private BatchStacker() {}

    /** One sample and its views. */
    record Transformed(Sample sample, List<Image> views) {}

    /** The batch of samples (at least one). */
    static Batch stack(List<Transformed> items) {
        Transformed first = items.getFirst();
        int viewCount = first.views().size();
        if (viewCount == 0)
            throw new IllegalStateException(
                    "the transform gave no views for " + first.sample().key());
        int b = items.size();
        List<Tensor> views = new ArrayList<>(viewCount);
        for (int v = 0; v < viewCount; v++) views.add(stackView(items, v));

        boolean labelled = first.sample().hasLabel();
        boolean captioned = first.sample().hasCaption();
        long[] labels = labelled ? new long[b] : null;
        List<String> captions = captioned ? new ArrayList<>(b) : null;
        List<String> keys = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            Sample s = items.get(i).sample();
            if (s.hasLabel() != labelled || s.hasCaption() != captioned) {
                throw new IllegalStateException(s.key() + " and "
                        + first.sample().key() + " disagree on having a label or a caption; one batch cannot mix them");
            }
            if (labelled) labels[i] = s.label();
            if (captioned) captions.add(s.caption());
            keys.add(s.key());
        }
        return new Batch(
                List.copyOf(views),
                labelled ? Tensor.ofLongs(labels, b) : null,
                captioned ? List.copyOf(captions) : null,
                List.copyOf(keys));
    }

    /** View v of every item: (B, C, H, W). */
    private static Tensor stackView(List<Transformed> items, int v) {
        Transformed first = items.getFirst();
        Image shape = first.views().get(v);
        int perSample = shape.pixels().length;
        float[] out = new float[items.size() * perSample];
        for (int i = 0; i < items.size(); i++) {
            Transformed t = items.get(i);
            if (t.views().size() != first.views().size()) {
                throw new IllegalStateException("the transform gave "
                        + t.views().size() + " views for " + t.sample().key() + " but "
                        + first.views().size() + " for " + first.sample().key());
            }
            Image img = t.views().get(v);
            if (img.channels() != shape.channels() || img.height() != shape.height() || img.width() != shape.width()) {
                throw new IllegalStateException(
                        "view " + v + " of " + t.sample().key() + " is " + img.channels() + "x"
                                + img.height() + "x" + img.width() + " but view " + v + " of "
                                + first.sample().key() + " is "
                                + shape.channels() + "x" + shape.height() + "x" + shape.width()
                                + "; a batch needs equal sizes");
            }
            System.arraycopy(img.pixels(), 0, out, i * perSample, perSample);
        }
        return Tensor.of(out, items.size(), shape.channels(), shape.height(), shape.width());
    }
}
