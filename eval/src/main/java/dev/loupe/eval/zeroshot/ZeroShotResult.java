package dev.loupe.eval.zeroshot;

/**
 * Zero-shot classification accuracy.
 *
 * @param top1       fraction of images whose true class scores highest
 * @param top5       fraction whose true class is among the 5 best (all classes when there are fewer)
 * @param count      images evaluated
 * @param numClasses classes in the classifier
 */
public record ZeroShotResult(double top1, double top5, int count, int numClasses) {
    @Override
    public String toString() {
        return String.format(
                "zero-shot top-1 %.2f%%, top-5 %.2f%% (%d images, %d classes)",
                100 * top1, 100 * top5, count, numClasses);
    }
}
