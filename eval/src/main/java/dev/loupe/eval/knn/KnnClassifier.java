package dev.loupe.eval.knn;

import dev.loupe.eval.features.FeatureSet;
import dev.loupe.tensor.Parallel;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DINO's weighted k-nearest-neighbour classifier (eval_knn.py, knn_classifier). Train and test
 * features are L2-normalised (F.normalize, eps 1e-12); for a chunk of test rows the cosine
 * similarities to all train rows are one matmul, (c, F) x (F, N_train); each row keeps its k_max
 * most similar train samples; neighbour j votes for its class with weight exp(sim_j / T), T = 0.07;
 * the class with the largest summed weight is the prediction. Every requested k reuses the first k
 * of the k_max neighbours, which are the same neighbours DINO's separate topk(k) call would return.
 *
 * <p>Ties are broken deterministically where torch leaves them unspecified: between train samples
 * of equal similarity the lower train index is the nearer neighbour, and between classes of equal
 * score the lower class index ranks first. Each test row is handled on its own, so results do not
 * depend on the thread count.
 */
public final class KnnClassifier {
    /** DINO's temperature. */
    public static final double DINO_TEMPERATURE = 0.07;
    /** The k values DINO reports. */
    public static final int[] DINO_KS = {10, 20, 100, 200};

    private final double temperature;
    private final int chunkRows;

    /**
     * @param temperature T in exp(sim / T)
     * @param chunkRows   test rows per similarity matmul (memory: chunkRows x N_train floats)
     */
    public KnnClassifier(double temperature, int chunkRows) {
        if (!(temperature > 0)) throw new IllegalArgumentException("kNN: temperature must be > 0, got " + temperature);
        if (chunkRows < 1) throw new IllegalArgumentException("kNN: chunk rows must be >= 1, got " + chunkRows);
        this.temperature = temperature;
        this.chunkRows = chunkRows;
    }

    /** T = 0.07, 256 test rows per chunk. */
    public KnnClassifier() {
        this(DINO_TEMPERATURE, 256);
    }

    /**
     * Accuracy of every k in {@code ks} (each clamped to the train size; duplicates after clamping
     * are reported once), in the order given.
     */
    public List<KnnResult> evaluate(FeatureSet train, FeatureSet test, int... ks) {
        if (ks.length == 0) throw new IllegalArgumentException("kNN: no k given");
        if (train.dim() != test.dim()) {
            throw new IllegalArgumentException(
                    "kNN: train features have width " + train.dim() + ", test " + test.dim());
        }
        int numClasses = Math.max(train.numClasses(), test.numClasses());
        int[] trainLabels = train.checkedLabels("kNN train features");
        int[] testLabels = test.checkedLabels("kNN test features");
        int[] kList = clamp(ks, train.size());
        int kMax = Arrays.stream(kList).max().orElseThrow();
        int nTest = test.size();
        int[][] predictions = new int[kList.length][nTest];
        boolean[][] inTop5 = new boolean[kList.length][nTest];

        Tensor trainT = l2Normalize(train.features()).transpose(0, 1).contiguous(); // (F, N_train)
        Tensor testN = l2Normalize(test.features()); // (N_test, F)
        for (int start = 0; start < nTest; start += chunkRows) {
            int rows = Math.min(chunkRows, nTest - start), s0 = start;
            float[] sim = testN.narrow(0, start, rows).matmul(trainT).toFloatArray(); // (rows, N_train)
            int nTrain = train.size();
            Parallel.forRange(rows, 4, (lo, hi) -> {
                for (int r = lo; r < hi; r++) {
                    int[] nearest = topK(sim, r * nTrain, nTrain, kMax);
                    for (int ki = 0; ki < kList.length; ki++) {
                        int[] ranked = rankClasses(sim, r * nTrain, nearest, kList[ki], trainLabels, numClasses);
                        int label = testLabels[s0 + r];
                        predictions[ki][s0 + r] = ranked[0];
                        for (int j = 0; j < Math.min(5, Math.min(kList[ki], ranked.length)); j++) {
                            if (ranked[j] == label) inTop5[ki][s0 + r] = true;
                        }
                    }
                }
            });
        }
        List<KnnResult> results = new ArrayList<>();
        for (int ki = 0; ki < kList.length; ki++) {
            int correct1 = 0, correct5 = 0;
            for (int i = 0; i < nTest; i++) {
                if (predictions[ki][i] == testLabels[i]) correct1++;
                if (inTop5[ki][i]) correct5++;
            }
            double top5 = numClasses >= 5 ? 100.0 * correct5 / nTest : Double.NaN;
            results.add(new KnnResult(kList[ki], 100.0 * correct1 / nTest, top5, predictions[ki]));
        }
        return results;
    }

    /** DINO's k values {10, 20, 100, 200}. */
    public List<KnnResult> evaluate(FeatureSet train, FeatureSet test) {
        return evaluate(train, test, DINO_KS);
    }

    /** x / max(||x||_2, 1e-12) row by row, as F.normalize(x, dim=1). x: (N, F) -> (N, F). */
    public static Tensor l2Normalize(Tensor x) {
        int n = x.size(0), f = x.size(1);
        float[] v = x.contiguous().toFloatArray();
        for (int i = 0; i < n; i++) {
            double ss = 0;
            for (int j = 0; j < f; j++) ss += (double) v[i * f + j] * v[i * f + j];
            float norm = (float) Math.max(Math.sqrt(ss), 1e-12);
            for (int j = 0; j < f; j++) v[i * f + j] /= norm;
        }
        return Tensor.of(v, n, f);
    }

    /**
     * Indices of the k largest of sim[off .. off + n), most similar first; equal similarities keep
     * the lower index first. Insertion into a sorted list of k, so O(n + k * replacements).
     */
    static int[] topK(float[] sim, int off, int n, int k) {
        int[] idx = new int[k];
        float[] val = new float[k];
        int size = 0;
        for (int j = 0; j < n; j++) {
            float s = sim[off + j];
            // later indices only displace an entry they beat strictly, so ties keep the lower index
            if (size == k && !(s > val[k - 1])) continue;
            int pos = size == k ? k - 1 : size++;
            while (pos > 0 && s > val[pos - 1]) {
                val[pos] = val[pos - 1];
                idx[pos] = idx[pos - 1];
                pos--;
            }
            val[pos] = s;
            idx[pos] = j;
        }
        return idx;
    }

    /**
     * The best min(5, numClasses) classes by summed exp(sim / T) over the first k neighbours, best
     * first; equal scores rank the lower class first.
     */
    private int[] rankClasses(float[] sim, int off, int[] nearest, int k, int[] trainLabels, int numClasses) {
        double[] score = new double[numClasses];
        for (int j = 0; j < k; j++) score[trainLabels[nearest[j]]] += Math.exp(sim[off + nearest[j]] / temperature);
        int m = Math.min(5, numClasses);
        int[] best = new int[m];
        boolean[] taken = new boolean[numClasses];
        for (int r = 0; r < m; r++) {
            int arg = -1;
            for (int c = 0; c < numClasses; c++) if (!taken[c] && (arg < 0 || score[c] > score[arg])) arg = c;
            taken[arg] = true;
            best[r] = arg;
        }
        return best;
    }

    private static int[] clamp(int[] ks, int trainSize) {
        return Arrays.stream(ks)
                .map(k -> {
                    if (k < 1) throw new IllegalArgumentException("kNN: k must be >= 1, got " + k);
                    return Math.min(k, trainSize);
                })
                .distinct()
                .toArray();
    }
}
