package dev.loupe.eval.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Counts of (true class, predicted class) pairs: {@code counts()[t][p]} samples of class t were
 * predicted as p. Filled one prediction at a time ({@link #add}, the accuracy evaluation) or from
 * whole label and prediction arrays ({@link #of}, probes); drawn by {@link ConfusionMatrixPlot}.
 */
public final class ConfusionMatrix {
    private final List<String> classNames;
    private final long[][] counts;

    public ConfusionMatrix(List<String> classNames) {
        if (classNames.size() < 2)
            throw new IllegalArgumentException("a confusion matrix needs >= 2 classes, got " + classNames);
        this.classNames = List.copyOf(classNames);
        this.counts = new long[classNames.size()][classNames.size()];
    }

    public void add(int truth, int predicted) {
        int k = classNames.size();
        if (truth < 0 || truth >= k || predicted < 0 || predicted >= k) {
            throw new IllegalArgumentException(
                    "class index out of range [0, " + k + "): true " + truth + ", predicted " + predicted);
        }
        counts[truth][predicted]++;
    }

    /** Counts from true labels and predictions (equal lengths, values in [0, K)); names "0", "1", ... when none are given. */
    public static ConfusionMatrix of(int[] labels, int[] predictions, List<String> classNames, int numClasses) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(
                    "confusion matrix: " + labels.length + " labels but " + predictions.length + " predictions");
        }
        List<String> names = classNames;
        if (names.isEmpty()) {
            names = new ArrayList<>();
            for (int c = 0; c < numClasses; c++) names.add(Integer.toString(c));
        }
        ConfusionMatrix m = new ConfusionMatrix(names);
        for (int i = 0; i < labels.length; i++) m.add(labels[i], predictions[i]);
        return m;
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Samples of class t. */
    public long rowTotal(int t) {
        long s = 0;
        for (long v : counts[t]) s += v;
        return s;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** A copy of the counts, [true][predicted]. */
    public long[][] counts() {
        long[][] c = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) c[i] = counts[i].clone();
        return c;
    }

    public long total() {
        long n = 0;
        for (long[] row : counts) for (long v : row) n += v;
        return n;
    }

    public long correct() {
        long n = 0;
        for (int i = 0; i < counts.length; i++) n += counts[i][i];
        return n;
    }

    /** Top-1 accuracy: the diagonal over the total (NaN when empty). */
    public double accuracy() {
        return total() == 0 ? Double.NaN : (double) correct() / total();
    }

    /** Recall of class {@code c}: its diagonal count over its row (NaN when the class never occurs). */
    public double recall(int c) {
        long row = rowTotal(c);
        return row == 0 ? Double.NaN : (double) counts[c][c] / row;
    }

    /** A markdown table: one row per true class, one column per predicted class, and each class's recall. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| true \\ predicted |");
        for (String n : classNames) sb.append(' ').append(escape(n)).append(" |");
        sb.append(" recall |\n|---|");
        sb.append("---:|".repeat(classNames.size())).append("---:|\n");
        for (int t = 0; t < counts.length; t++) {
            sb.append("| ").append(escape(classNames.get(t))).append(" |");
            for (long v : counts[t]) sb.append(' ').append(v).append(" |");
            sb.append(String.format(Locale.ROOT, " %.3f |%n", recall(t)));
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }
}
