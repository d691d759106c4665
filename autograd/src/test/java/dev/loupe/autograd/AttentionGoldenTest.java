package dev.loupe.autograd;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Var#scaledDotProductAttention} against PyTorch's masked composite
 * softmax(q k^T D^-0.5 masked to -inf) v: out and the gradients of sum(out * dO) for causal,
 * key-padding (Tq != Tk) and causal + key-padding cases. Fixture made by
 * tools/golden/make_attention_fixture.py (Debian python3-torch 1.13).
 *
 * <p>Tolerance: both sides compute in float32 but sum in different orders (torch's GEMMs against the
 * fused tiles and online softmax), a few float32 ulps per value; each tensor must satisfy
 * max|loupe - torch| <= 1e-5 * max|torch|, as in the whole-model VitGoldenTest.
 */
class AttentionGoldenTest {
    private static final double RTOL = 1e-5;
    private static Map<String, Tensor> fixture;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafeTensors.read(Path.of(AttentionGoldenTest.class
                .getResource("/golden/attention_masked.safetensors")
                .toURI()));
    }

    @ParameterizedTest
    @CsvSource({"causal, true", "padded, false", "causal_padded, true"})
    void matchesPyTorch(String name, boolean causal) {
        Tensor mask = fixture.get(name + ".mask");
        if (mask != null) assertEquals(DType.BOOL, mask.dtype());
        Var q = Var.param(fixture.get(name + ".q")),
                k = Var.param(fixture.get(name + ".k")),
                v = Var.param(fixture.get(name + ".v"));
        Var out = Var.scaledDotProductAttention(q, k, v, causal, mask);
        out.backward(fixture.get(name + ".dO"));
        assertCloseToScale(name + " out", fixture.get(name + ".out"), out.data(), RTOL);
        assertCloseToScale(name + " dq", fixture.get(name + ".dq"), q.grad(), RTOL);
        assertCloseToScale(name + " dk", fixture.get(name + ".dk"), k.grad(), RTOL);
        assertCloseToScale(name + " dv", fixture.get(name + ".dv"), v.grad(), RTOL);
    }
}
