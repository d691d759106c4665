package dev.loupe.eval.zeroshot;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's zero-shot classifier: for each class every template is filled with the class name and
 * encoded; the embeddings are L2-normalised, averaged and re-normalised into that class's column of
 * the weights (E, K). An image is classified by the cosine similarity of its normalised embedding
 * with each column (CLIP also multiplies by 100, which changes no ranking).
 */
public final class ZeroShotClassifier {
    private final Tensor weights; // (E, K)
    private final List<String> classNames;

    private ZeroShotClassifier(Tensor weights, List<String> classNames) {
        this.weights = weights;
        this.classNames = List.copyOf(classNames);
    }

    /** Encodes classes x templates with {@code encoder} and builds the weights. */
    public static ZeroShotClassifier build(TextEncoder encoder, List<String> classNames, List<String> templates) {
        if (classNames.isEmpty()) throw new IllegalArgumentException("zero-shot: no class names");
        if (templates.isEmpty()) throw new IllegalArgumentException("zero-shot: no templates");
        int k = classNames.size(), t = templates.size();
        List<String> prompts = new ArrayList<>(k * t);
        for (String c : classNames) for (String tpl : templates) prompts.add(Templates.format(tpl, c));
        Tensor emb = encoder.encode(prompts); // (K*T, E)
        if (emb.rank() != 2 || emb.size(0) != k * t) {
            throw new IllegalStateException("text encoder returned " + emb.shape() + " for " + (k * t) + " prompts");
        }
        int e = emb.size(1);
        Tensor perClass = Embeddings.normalizeRows(emb).reshape(k, t, e).mean(false, 1); // (K, E)
        return new ZeroShotClassifier(Embeddings.normalizeRows(perClass).mT().contiguous(), classNames);
    }

    /** The classifier weights (E, K), one unit column per class. */
    public Tensor weights() {
        return weights;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Cosine similarities (N, K) of image embeddings (N, E) with each class. */
    public Tensor scores(Tensor imageEmbeddings) {
        if (imageEmbeddings.rank() != 2 || imageEmbeddings.size(1) != weights.size(0)) {
            throw new IllegalArgumentException(
                    "zero-shot: image embeddings " + imageEmbeddings.shape() + " must be (N, " + weights.size(0) + ")");
        }
        return Embeddings.normalizeRows(imageEmbeddings).matmul(weights);
    }

    /** Top-1 / top-5 accuracy of image embeddings (N, E) against class indices (N). */
    public ZeroShotResult evaluate(Tensor imageEmbeddings, Tensor labels) {
        int n = imageEmbeddings.size(0), k = weights.size(1);
        if (labels.rank() != 1 || labels.size(0) != n) {
            throw new IllegalArgumentException("zero-shot: labels " + labels.shape() + " must be (" + n + ")");
        }
        float[] s = scores(imageEmbeddings).contiguous().toFloatArray();
        long[] y = labels.to(DType.I64).contiguous().toLongArray();
        int top1 = 0, top5 = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] < 0 || y[i] >= k)
                throw new IllegalArgumentException(
                        "zero-shot: label " + y[i] + " of image " + i + " outside [0, " + k + ")");
            int rank = rankOf(s, i * k, k, (int) y[i]);
            if (rank < 1) top1++;
            if (rank < 5) top5++;
        }
        return new ZeroShotResult((double) top1 / n, (double) top5 / n, n, k);
    }

    /** How many of the k scores at {@code offset} beat the score of {@code target} (ties do not). */
    static int rankOf(float[] scores, int offset, int k, int target) {
        float own = scores[offset + target];
        int better = 0;
        for (int j = 0; j < k; j++) if (scores[offset + j] > own) better++;
        return better;
    }
}
