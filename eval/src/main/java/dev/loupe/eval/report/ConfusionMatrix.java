package dev.loupe.eval.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts of (true class, predicted class) pairs: {@code counts[t][p]} samples of class t were
 * predicted as p.
 *
 * @param classNames K names; generated ("0", "1", ...) when the data set has none
 * @param counts     (K, K)
 */
public record ConfusionMatrix(List<String> classNames, long[][] counts) {
    public ConfusionMatrix {
        classNames = List.copyOf(classNames);
        int k = classNames.size();
        if (counts.length != k) throw new IllegalArgumentException("confusion matrix: " + k + " classes but " + counts.length + " rows");
        for (long[] row : counts) {
            if (row.length != k) throw new IllegalArgumentException("confusion matrix: a row has " + row.length + " columns, expected " + k);
        }
    }

    /** Counts from true labels and predictions (equal lengths, values in [0, K)). */
    public static ConfusionMatrix of(int[] labels, int[] predictions, List<String> classNames, int numClasses) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException("confusion matrix: " + labels.length + " labels but " + predictions.length + " predictions");
        }
        List<String> names = classNames;
        if (names.isEmpty()) {
            names = new ArrayList<>();
            for (int c = 0; c < numClasses; c++) names.add(Integer.toString(c));
        }
        int k = names.size();
        long[][] counts = new long[k][k];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= k || predictions[i] < 0 || predictions[i] >= k) {
                throw new IllegalArgumentException("confusion matrix: sample " + i + " has label " + labels[i] + " / prediction "
                        + predictions[i] + ", outside [0, " + k + ")");
            }
            counts[labels[i]][predictions[i]]++;
        }
        return new ConfusionMatrix(names, counts);
    }

    public int numClasses() { return classNames.size(); }

    /** Samples of class t. */
    public long rowTotal(int t) {
        long s = 0;
        for (long v : counts[t]) s += v;
        return s;
    }

    /** Fraction on the diagonal. */
    public double accuracy() {
        long diag = 0, total = 0;
        for (int t = 0; t < counts.length; t++) {
            diag += counts[t][t];
            total += rowTotal(t);
        }
        return total == 0 ? 0 : (double) diag / total;
    }
}
