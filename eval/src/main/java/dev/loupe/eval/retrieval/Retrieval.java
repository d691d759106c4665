package dev.loupe.eval.retrieval;

import dev.loupe.eval.zeroshot.Embeddings;
import dev.loupe.tensor.Tensor;

/**
 * Image-text retrieval by cosine similarity. Texts map to images through {@code textToImage}
 * (text j describes image textToImage[j]; an image may have several texts). The rank of a text query
 * is the number of images more similar to it than its own image; the rank of an image query is the
 * smallest such count over its texts (the best-placed correct caption). Ties do not count against the
 * correct item. R@K = fraction of queries with rank < K.
 */
public final class Retrieval {
    private Retrieval() {}

    /** One text per image, text i belonging to image i. */
    public static RetrievalResult evaluatePaired(Tensor imageEmbeddings, Tensor textEmbeddings) {
        int[] identity = new int[textEmbeddings.size(0)];
        for (int i = 0; i < identity.length; i++) identity[i] = i;
        return evaluate(imageEmbeddings, textEmbeddings, identity);
    }

    /** imageEmbeddings (Ni, E), textEmbeddings (Nt, E), textToImage (Nt) -> R@1/5/10 both ways. */
    public static RetrievalResult evaluate(Tensor imageEmbeddings, Tensor textEmbeddings, int[] textToImage) {
        int[] t2i = textToImageRanks(imageEmbeddings, textEmbeddings, textToImage);
        int[] i2t = imageToTextRanks(imageEmbeddings, textEmbeddings, textToImage);
        return new RetrievalResult(
                recall(i2t, 1),
                recall(i2t, 5),
                recall(i2t, 10),
                recall(t2i, 1),
                recall(t2i, 5),
                recall(t2i, 10),
                i2t.length,
                t2i.length);
    }

    /** For each text, how many images are more similar to it than its own. */
    public static int[] textToImageRanks(Tensor imageEmbeddings, Tensor textEmbeddings, int[] textToImage) {
        int ni = imageEmbeddings.size(0), nt = textEmbeddings.size(0);
        float[] sim = similarities(imageEmbeddings, textEmbeddings, textToImage); // (Ni, Nt)
        int[] ranks = new int[nt];
        for (int j = 0; j < nt; j++) {
            float own = sim[textToImage[j] * nt + j];
            int better = 0;
            for (int i = 0; i < ni; i++) if (sim[i * nt + j] > own) better++;
            ranks[j] = better;
        }
        return ranks;
    }

    /** For each image, the smallest number of texts more similar to it than one of its own texts. */
    public static int[] imageToTextRanks(Tensor imageEmbeddings, Tensor textEmbeddings, int[] textToImage) {
        int ni = imageEmbeddings.size(0), nt = textEmbeddings.size(0);
        float[] sim = similarities(imageEmbeddings, textEmbeddings, textToImage);
        int[] ranks = new int[ni];
        java.util.Arrays.fill(ranks, -1);
        for (int j = 0; j < nt; j++) {
            int i = textToImage[j];
            float own = sim[i * nt + j];
            int better = 0;
            for (int k = 0; k < nt; k++) if (sim[i * nt + k] > own) better++;
            ranks[i] = ranks[i] < 0 ? better : Math.min(ranks[i], better);
        }
        for (int i = 0; i < ni; i++) {
            if (ranks[i] < 0)
                throw new IllegalArgumentException("retrieval: image " + i + " has no text in the mapping");
        }
        return ranks;
    }

    /** Fraction of ranks below k. */
    public static double recall(int[] ranks, int k) {
        int hit = 0;
        for (int r : ranks) if (r < k) hit++;
        return (double) hit / ranks.length;
    }

    private static float[] similarities(Tensor images, Tensor texts, int[] textToImage) {
        if (images.rank() != 2 || texts.rank() != 2 || images.size(1) != texts.size(1)) {
            throw new IllegalArgumentException("retrieval: image embeddings " + images.shape() + " and text embeddings "
                    + texts.shape() + " must be (Ni, E) and (Nt, E)");
        }
        if (textToImage.length != texts.size(0)) {
            throw new IllegalArgumentException(
                    "retrieval: " + texts.size(0) + " texts but " + textToImage.length + " text->image entries");
        }
        if (images.size(0) == 0 || texts.size(0) == 0)
            throw new IllegalArgumentException("retrieval: no images or no texts");
        for (int j = 0; j < textToImage.length; j++) {
            if (textToImage[j] < 0 || textToImage[j] >= images.size(0)) {
                throw new IllegalArgumentException("retrieval: text " + j + " maps to image " + textToImage[j]
                        + " outside [0, " + images.size(0) + ")");
            }
        }
        return Embeddings.normalizeRows(images)
                .matmul(Embeddings.normalizeRows(texts).mT())
                .contiguous()
                .toFloatArray();
    }
}
