package dev.loupe.eval.collapse;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Jacobi eigenvalues against numpy.linalg.eigvalsh (fixture by tools/golden/make_rankme_fixture.py,
 * Debian python3-torch 1.13 / numpy), and on matrices whose spectrum is known by construction.
 */
class SymmetricEigenTest {
    static Map<String, Tensor> fixture() throws Exception {
        return SafeTensors.read(Path.of(SymmetricEigenTest.class
                .getResource("/golden/rankme.safetensors")
                .toURI()));
    }

    @Test
    void eigenvaluesMatchNumpy() throws Exception {
        Map<String, Tensor> f = fixture();
        for (String name : new String[] {"a7", "a40", "low30"}) {
            Tensor a = f.get("eig." + name);
            int n = a.size(0);
            double[] expected = f.get("eig." + name + "_values").toDoubleArray();
            double[] actual = SymmetricEigen.eigenvalues(a.toDoubleArray(), n);
            double scale = Math.abs(expected[0]) + Math.abs(expected[n - 1]);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], actual[i], 1e-12 * scale, name + " eigenvalue " + i);
            }
        }
    }

    @Test
    void recoversTheSpectrumOfARotatedDiagonal() {
        int n = 25;
        double[] spectrum = new double[n];
        for (int i = 0; i < n; i++) spectrum[i] = n - 2.5 * i; // 25 down to -35, distinct, some negative
        double[] q = randomOrthogonal(n, new Random(4));
        double[] a = new double[n * n]; // a = Q diag(spectrum) Q^T
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i * n + k] * spectrum[k] * q[j * n + k];
                a[i * n + j] = s;
            }
        }
        for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) a[i * n + j] = a[j * n + i];
        assertArrayEquals(spectrum, SymmetricEigen.eigenvalues(a, n), 1e-12 * 35);
    }

    @Test
    void aRankRGramMatrixHasExactlyRNonZeroEigenvalues() {
        Random rng = new Random(8);
        for (int r : new int[] {1, 3, 7}) {
            int n = 20;
            double[] b = new double[n * r];
            for (int i = 0; i < b.length; i++) b[i] = rng.nextGaussian();
            double[] g = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) for (int k = 0; k < r; k++) g[i * n + j] += b[i * r + k] * b[j * r + k];
            }
            double[] values = SymmetricEigen.eigenvalues(g, n);
            int nonZero = 0;
            for (double v : values) {
                assertTrue(
                        v > -1e-12 * values[0], "rank " + r + ": a Gram matrix has no negative eigenvalue, got " + v);
                if (v > 1e-10 * values[0]) nonZero++;
            }
            assertEquals(r, nonZero, "rank " + r);
        }
    }

    @Test
    void diagonalAndOneByOneAreTheirOwnSpectrum() {
        assertArrayEquals(
                new double[] {3, 1, -2}, SymmetricEigen.eigenvalues(new double[] {1, 0, 0, 0, -2, 0, 0, 0, 3}, 3));
        assertArrayEquals(new double[] {-4}, SymmetricEigen.eigenvalues(new double[] {-4}, 1));
        assertArrayEquals(new double[] {0, 0}, SymmetricEigen.eigenvalues(new double[4], 2));
    }

    @Test
    void badInputsAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.eigenvalues(new double[5], 2))
                .getMessage()
                .contains("5 values"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> SymmetricEigen.eigenvalues(new double[] {1, 2, 3, 1}, 2))
                .getMessage()
                .contains("not symmetric"));
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.eigenvalues(new double[] {Double.NaN}, 1));
    }

    /** Q of the QR factorisation of a Gaussian matrix (modified Gram-Schmidt on the columns), row-major. */
    private static double[] randomOrthogonal(int n, Random rng) {
        double[][] cols = new double[n][n];
        for (int c = 0; c < n; c++) {
            for (int i = 0; i < n; i++) cols[c][i] = rng.nextGaussian();
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += cols[c][i] * cols[p][i];
                for (int i = 0; i < n; i++) cols[c][i] -= dot * cols[p][i];
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += cols[c][i] * cols[c][i];
            for (int i = 0; i < n; i++) cols[c][i] /= Math.sqrt(norm);
        }
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) for (int c = 0; c < n; c++) q[i * n + c] = cols[c][i];
        return q;
    }
}
