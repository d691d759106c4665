package dev.loupe.eval.collapse;

import java.util.Arrays;

/**
 * Eigenvalues of a real symmetric matrix by the cyclic Jacobi method, in double precision: sweeps of
 * plane rotations, each zeroing one off-diagonal entry, until the off-diagonal mass is negligible
 * against the whole matrix. Quadratic convergence makes a handful of sweeps enough; each sweep costs
 * about 4 n^3 multiply-adds, which is fine for the n &lt;= 768 of an embedding's Gram matrix.
 */
public final class SymmetricEigen {
    /** Sweeps after which the method gives up (convergence takes well under 20 in practice). */
    static final int MAX_SWEEPS = 60;
    /** Stop when the off-diagonal sum of squares falls below this fraction of the squared Frobenius norm. */
    private static final double RELATIVE_OFF_DIAGONAL = 1e-30;
    /** Off-diagonal entries below this fraction of the Frobenius norm are set to zero rather than rotated away. */
    private static final double NEGLIGIBLE = 1e-18;

    private SymmetricEigen() {}

    /**
     * a: (n, n) row-major, symmetric (checked to 1e-12 relative) -> its n eigenvalues, largest first.
     * a is left untouched.
     */
    public static double[] eigenvalues(double[] a, int n) {
        if (n < 1 || a.length != n * n) {
            throw new IllegalArgumentException(
                    "eigenvalues: need an (n, n) matrix of n * n values, got n " + n + " and " + a.length + " values");
        }
        double[] m = a.clone();
        double frob = 0;
        for (double v : m) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("eigenvalues: the matrix holds " + v);
            frob += v * v;
        }
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                if (Math.abs(m[p * n + q] - m[q * n + p]) > 1e-12 * Math.sqrt(frob)) {
                    throw new IllegalArgumentException(
                            "eigenvalues: the (" + n + ", " + n + ") matrix is not symmetric at (" + p + ", " + q
                                    + "): " + m[p * n + q] + " vs " + m[q * n + p]);
                }
            }
        }
        double negligible = NEGLIGIBLE * Math.sqrt(frob);
        int sweep = 0;
        boolean rotated = true;
        while (rotated && offDiagonal(m, n) > RELATIVE_OFF_DIAGONAL * frob) {
            if (++sweep > MAX_SWEEPS)
                throw new IllegalStateException(
                        "eigenvalues: Jacobi did not converge in " + MAX_SWEEPS + " sweeps (n " + n + ")");
            rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) rotated |= rotate(m, n, p, q, negligible);
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = m[i * n + i];
        Arrays.sort(values);
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            double t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    /**
     * The rotation in the (p, q) plane that zeroes m[p][q]: m <- R^T m R (Numerical Recipes' jacobi,
     * both sides in full). An entry below {@code negligible} is zeroed without rotating; returns
     * whether it rotated.
     */
    private static boolean rotate(double[] m, int n, int p, int q, double negligible) {
        double apq = m[p * n + q];
        if (Math.abs(apq) <= negligible) {
            m[p * n + q] = 0;
            m[q * n + p] = 0;
            return false;
        }
        double theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        // the smaller root of t^2 + 2 theta t - 1 = 0 keeps the rotation angle <= pi / 4
        double t;
        if (theta == 0) t = 1;
        else if (Math.abs(theta) > 1e150) t = 0.5 / theta; // theta^2 would overflow
        else t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++) { // columns p and q
            double kp = m[k * n + p], kq = m[k * n + q];
            m[k * n + p] = c * kp - s * kq;
            m[k * n + q] = s * kp + c * kq;
        }
        for (int k = 0; k < n; k++) { // rows p and q
            double pk = m[p * n + k], qk = m[q * n + k];
            m[p * n + k] = c * pk - s * qk;
            m[q * n + k] = s * pk + c * qk;
        }
        m[p * n + q] = 0; // exact zero where rounding would leave a few ulps
        m[q * n + p] = 0;
        return true;
    }

    private static double offDiagonal(double[] m, int n) {
        double off = 0;
        for (int p = 0; p < n; p++) {
            for (int q = 0; q < n; q++) if (p != q) off += m[p * n + q] * m[p * n + q];
        }
        return off;
    }
}
