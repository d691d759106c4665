package dev.loupe.eval.collapse;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;

/**
 * RankMe (Garrido et al. 2023, "RankMe: assessing the downstream performance of pretrained
 * self-supervised representations by their rank"): the effective rank of an (N, D) embedding matrix,
 * exp of the entropy of its singular values normalised to sum to one, p_k = sigma_k / ||sigma||_1 + 1e-7.
 * It lies in [1, min(N, D)]: near 1 when the embeddings have collapsed onto a line, min(N, D) when
 * all directions carry the same energy. The embeddings are taken as they are (not centred), as in the paper.
 *
 * <p>The singular values are the square roots of the eigenvalues of the Gram matrix, which is formed
 * in double precision from the float32 embeddings and diagonalised by {@link SymmetricEigen}; the
 * smaller of Z^T Z (D, D) and Z Z^T (N, N) is used, both having the same non-zero eigenvalues.
 */
public final class RankMe {
    /** The name the kNN monitor logs it under. */
    public static final String METRIC = "rankme";
    /** Garrido et al.'s epsilon, added to each normalised singular value. */
    public static final double EPS = 1e-7;

    private RankMe() {}

    /** embeddings: (N, D) float32 -> the effective rank. */
    public static double of(Tensor embeddings) {
        return fromSingularValues(singularValues(embeddings));
    }

    /** sigma: singular values (>= 0, at least one > 0) -> exp(-sum p log p) with p = sigma / sum(sigma) + EPS. */
    public static double fromSingularValues(double[] sigma) {
        double total = 0;
        for (double s : sigma) {
            if (!(s >= 0) || Double.isInfinite(s))
                throw new IllegalArgumentException("RankMe: singular values must be finite and >= 0, got " + s);
            total += s;
        }
        if (total == 0)
            throw new IllegalArgumentException(
                    "RankMe: the embeddings are all zero (" + sigma.length + " singular values)");
        double entropy = 0;
        for (double s : sigma) {
            double p = s / total + EPS;
            entropy -= p * Math.log(p);
        }
        return Math.exp(entropy);
    }

    /** embeddings: (N, D) float32 -> its min(N, D) singular values, largest first. */
    public static double[] singularValues(Tensor embeddings) {
        if (embeddings.rank() != 2
                || embeddings.dtype() != DType.F32
                || embeddings.size(0) < 1
                || embeddings.size(1) < 1) {
            throw new IllegalArgumentException("RankMe: embeddings must be float32 (N, D) with N, D >= 1, got "
                    + embeddings.dtype() + " " + embeddings.shape());
        }
        int n = embeddings.size(0), d = embeddings.size(1);
        float[] z = embeddings.contiguous().toFloatArray();
        double[] gram = n >= d ? columnGram(z, n, d) : rowGram(z, n, d);
        int k = Math.min(n, d);
        double[] lambda = SymmetricEigen.eigenvalues(gram, k);
        double[] sigma = new double[k];
        for (int i = 0; i < k; i++)
            sigma[i] = Math.sqrt(Math.max(lambda[i], 0)); // rounding can leave a zero eigenvalue slightly negative
        return sigma;
    }

    /** z: (n, d) row-major -> Z^T Z (d, d) in double. */
    static double[] columnGram(float[] z, int n, int d) {
        double[] g = new double[d * d];
        double[] row = new double[d];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) row[j] = z[r * d + j];
            for (int i = 0; i < d; i++) {
                double zi = row[i];
                if (zi == 0) continue;
                for (int j = i; j < d; j++) g[i * d + j] += zi * row[j];
            }
        }
        mirrorUpper(g, d);
        return g;
    }

    /** z: (n, d) row-major -> Z Z^T (n, n) in double. */
    static double[] rowGram(float[] z, int n, int d) {
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int c = 0; c < d; c++) s += (double) z[i * d + c] * z[j * d + c];
                g[i * n + j] = s;
            }
        }
        mirrorUpper(g, n);
        return g;
    }

    private static void mirrorUpper(double[] g, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) g[i * n + j] = g[j * n + i];
        }
    }
}
