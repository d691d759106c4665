package dev.loupe.eval.retrieval;

/**
 * Recall at K for both retrieval directions (fraction of queries whose best-ranked correct item has
 * rank < K, ranks counted from 0).
 *
 * @param imageToTextR1  image queries, texts retrieved: R@1
 * @param imageToTextR5  R@5
 * @param imageToTextR10 R@10
 * @param textToImageR1  text queries, images retrieved: R@1
 * @param textToImageR5  R@5
 * @param textToImageR10 R@10
 * @param images         image count
 * @param texts          text count
 */
public record RetrievalResult(
        double imageToTextR1,
        double imageToTextR5,
        double imageToTextR10,
        double textToImageR1,
        double textToImageR5,
        double textToImageR10,
        int images,
        int texts) {
    @Override
    public String toString() {
        return String.format(
                "image->text R@1 %.2f%% R@5 %.2f%% R@10 %.2f%%; text->image R@1 %.2f%% R@5 %.2f%% R@10 %.2f%% (%d images, %d texts)",
                100 * imageToTextR1,
                100 * imageToTextR5,
                100 * imageToTextR10,
                100 * textToImageR1,
                100 * textToImageR5,
                100 * textToImageR10,
                images,
                texts);
    }
}
