package dev.loupe.eval.linear;

import dev.loupe.tensor.Tensor;

/** Predictions and top-k accuracy from score matrices; equal scores rank the lower class first. */
public final class Ranking {
    private Ranking() {}

    /** scores (N, K) -> the best class of each row, (N). */
    public static int[] argmax(Tensor scores) {
        int n = scores.size(0), k = scores.size(1);
        double[] s = scores.contiguous().toDoubleArray();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) if (s[i * k + c] > s[i * k + best]) best = c;
            out[i] = best;
        }
        return out;
    }

    /** Percent of rows whose label has fewer than {@code top} classes scoring strictly higher (ties: lower class first). */
    public static double topKAccuracy(Tensor scores, int[] labels, int top) {
        int n = scores.size(0), k = scores.size(1);
        if (labels.length != n)
            throw new IllegalArgumentException("top-k accuracy: " + n + " score rows but " + labels.length + " labels");
        double[] s = scores.contiguous().toDoubleArray();
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double mine = s[i * k + labels[i]];
            int ahead = 0;
            for (int c = 0; c < k; c++) {
                double v = s[i * k + c];
                if (v > mine || (v == mine && c < labels[i])) ahead++;
            }
            if (ahead < top) correct++;
        }
        return 100.0 * correct / n;
    }
}
