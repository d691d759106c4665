package dev.loupe.eval.knn;

/**
 * Weighted kNN accuracy for one k.
 *
 * @param k           neighbours used (after clamping to the train size)
 * @param top1        percent of test samples whose best-scoring class is their label
 * @param top5        percent whose label is among the best min(5, k) classes (DINO's definition);
 *                    NaN when there are fewer than 5 classes
 * @param predictions the best-scoring class of every test sample, (N_test)
 */
public record KnnResult(int k, double top1, double top5, int[] predictions) {}
