package dev.loupe.eval.collapse;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RankMe against torch.linalg.svdvals in float64 (fixture by tools/golden/make_rankme_fixture.py,
 * Debian python3-torch 1.13), and on embeddings whose effective rank is known: r orthogonal
 * directions of equal energy give r, a collapsed set gives 1.
 */
class RankMeTest {
    @Test
    void singularValuesAndRankMeMatchTorch() throws Exception {
        Map<String, Tensor> f = SymmetricEigenTest.fixture();
        for (String name : new String[] {"tall", "wide", "low"}) {
            Tensor z = f.get("rankme." + name);
            double[] expected = f.get("rankme." + name + "_sigma").toDoubleArray();
            double[] sigma = RankMe.singularValues(z);
            assertEquals(expected.length, sigma.length, name);
            // singular values from the Gram matrix carry an absolute error of about sqrt(eps) sigma_max
            for (int i = 0; i < sigma.length; i++)
                assertEquals(expected[i], sigma[i], 1e-7 * expected[0], name + " sigma " + i);
            double value = f.get("rankme." + name + "_value").item();
            assertEquals(value, RankMe.of(z), 1e-7 * value, name + " RankMe");
        }
    }

    @Test
    void equalEnergyInROrthogonalDirectionsHasRankR() {
        for (int r : new int[] {1, 2, 5, 16}) {
            int n = 4 * r, d = 16;
            float[] z = new float[n * d];
            for (int i = 0; i < n; i++) z[i * d + (i % r)] = 3f; // rows on e_0 .. e_{r-1}, each as often
            double rank = RankMe.of(Tensor.of(z, n, d));
            assertEquals(r, rank, 1e-4 * r, "r = " + r);
        }
    }

    @Test
    void collapsedEmbeddingsHaveRankOneAndSpreadOnesNearlyFull() {
        Rng rng = new Rng(2);
        Tensor direction = Tensor.randn(rng, 1, 24);
        Tensor collapsed =
                direction.expand(100, 24).mul(Tensor.rand(rng, 100, 1).add(0.5)).contiguous();
        assertEquals(1, RankMe.of(collapsed), 1e-4);
        double spread = RankMe.of(Tensor.randn(rng, 2000, 24));
        assertTrue(spread > 22 && spread <= 24, "isotropic Gaussian embeddings: RankMe " + spread);
    }

    @Test
    void fromSingularValuesFollowsTheDefinition() {
        double[] sigma = {4, 2, 1, 1};
        double entropy = 0;
        for (double s : sigma) {
            double p = s / 8 + RankMe.EPS;
            entropy -= p * Math.log(p);
        }
        assertEquals(Math.exp(entropy), RankMe.fromSingularValues(sigma), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> RankMe.fromSingularValues(new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> RankMe.of(Tensor.zeros(3)));
    }
}
