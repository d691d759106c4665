package dev.loupe.eval.embed;

import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipWeights;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.DataSources;
import dev.loupe.data.Image;
import dev.loupe.eval.zeroshot.Embeddings;
import dev.loupe.eval.zeroshot.Templates;
import dev.loupe.eval.zeroshot.TextEncoder;
import dev.loupe.eval.zeroshot.ZeroShotClassifier;
import dev.loupe.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A saved CLIP (or SLIP) model as an embedding API: images and texts into the shared space (N, E), and
 * zero-shot classification from label strings. Images are preprocessed as CLIP's evaluation does: RGB,
 * resized and centre-cropped to the model's side, normalised with CLIP's statistics.
 *
 * <pre>{@code
 * ClipEmbedder clip = ClipEmbedder.load(Path.of("runs/clip/model.safetensors"), Path.of("runs/clip/merges.txt.gz"));
 * List<String> best = clip.classify(ImageFiles.in(Path.of("photos")), List.of("circle", "square", "triangle"));
 * }</pre>
 */
public final class ClipEmbedder {
    private static final int TEXT_BATCH = 64;
    private final ClipModel model;
    private final Tokenizer tokenizer;
    private final Preprocessing preprocessing;

    public ClipEmbedder(ClipModel model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.preprocessing =
                new Preprocessing(model.config().vision().imageSize(), 3, DataSources.CLIP_MEAN, DataSources.CLIP_STD);
    }

    /** The model in an open_clip-named weights file (head counts from its metadata) and the tokenizer of a merges file. */
    public static ClipEmbedder load(Path weights, Path merges) throws IOException {
        return new ClipEmbedder(ClipWeights.read(weights, null, null), Tokenizer.load(merges));
    }

    public ClipModel model() {
        return model;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Decoded images (any size, grey or RGB) -> image embeddings (N, E), not normalised. */
    public Tensor embedImages(List<Image> images) {
        return ImageEmbedder.inBatches(
                model, x -> model.encodeImage(x.data()), preprocessing, images.size(), images::subList);
    }

    /** Image files -> image embeddings, one row per file, not normalised. */
    public float[][] embedFiles(List<Path> files) {
        return ImageEmbedder.rows(embedFileTensor(files));
    }

    /** Texts -> text embeddings (N, E), not normalised. */
    public Tensor embedTexts(List<String> texts) {
        return TextEncoder.of(model, tokenizer, TEXT_BATCH).encode(texts);
    }

    /** CLIP's zero-shot classifier of the labels, each filled into the templates ({@code {}} stands for the label). */
    public ZeroShotClassifier classifier(List<String> labels, List<String> templates) {
        return ZeroShotClassifier.build(TextEncoder.of(model, tokenizer, TEXT_BATCH), labels, templates);
    }

    /** Cosine similarities (N, K) of each image file with each label ("a photo of a {label}."). */
    public Tensor scores(List<Path> files, List<String> labels) {
        return classifier(labels, Templates.SIMPLE).scores(Embeddings.normalizeRows(embedFileTensor(files)));
    }

    /** The best label for each image file ("a photo of a {label}."). */
    public List<String> classify(List<Path> files, List<String> labels) {
        float[][] s = ImageEmbedder.rows(scores(files, labels));
        return Arrays.stream(s).map(row -> labels.get(argmax(row))).toList();
    }

    private Tensor embedFileTensor(List<Path> files) {
        return ImageEmbedder.inBatches(
                model,
                x -> model.encodeImage(x.data()),
                preprocessing,
                files.size(),
                (from, to) -> ImageFiles.decode(files.subList(from, to)));
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }
}
