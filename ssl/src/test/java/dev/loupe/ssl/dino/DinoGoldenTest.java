package dev.loupe.ssl.dino;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.ssl.common.Golden;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DINO's head and loss against PyTorch reproductions of DINOHead and DINOLoss
 * (fixtures by tools/golden/make_ssl_fixtures.py); tolerance {@link Golden#RTOL}.
 */
class DinoGoldenTest {
    @Test
    void headOutputAndGradientsMatchPyTorch() {
        Map<String, Tensor> f = Golden.load("dino_head.safetensors");
        DinoHead head = new DinoHead(8, 10, 16, 6, true, new Rng(1));
        Module.LoadReport report = head.loadStateDict(Golden.withPrefix(f, "head."), true);
        assertTrue(report.clean(), report.toString());
        assertEquals(
                Set.of(
                        "mlp.0.weight",
                        "mlp.0.bias",
                        "mlp.2.weight",
                        "mlp.2.bias",
                        "mlp.4.weight",
                        "mlp.4.bias",
                        "last_layer.weight_v"),
                head.namedParameters().keySet(),
                "weight_g is fixed, so not a parameter");
        assertTrue(head.stateDict().containsKey("last_layer.weight_g"));

        Var x = Var.param(f.get("x"));
        Var out = head.forward(x);
        assertCloseToScale("out", f.get("out"), out.data(), RTOL);
        out.mul(Var.of(f.get("r"))).sum().backward();
        assertCloseToScale("grad x", f.get("grad.x"), x.grad(), RTOL);
        head.namedParameters()
                .forEach((name, p) -> assertCloseToScale("grad " + name, f.get("grad." + name), p.grad(), RTOL));
    }

    @Test
    void lossGradientAndCenterMatchPyTorch() {
        Map<String, Tensor> f = Golden.load("dino_loss.safetensors");
        DinoLoss loss = new DinoLoss(10);
        loss.loadStateDict(Map.of("center", f.get("center")), true);
        Var student = Var.param(f.get("student"));
        Var value =
                loss.forward(student, f.get("teacher"), f.get("teacher_temp").item());
        assertCloseToScale("loss", f.get("loss"), value.data(), RTOL);
        value.backward();
        assertCloseToScale("grad student", f.get("grad_student"), student.grad(), RTOL);
        assertCloseToScale("center after", f.get("center_after"), loss.center(), RTOL);
    }

    @Test
    void lossRejectsMismatchedShapes() {
        DinoLoss loss = new DinoLoss(10);
        Var student = Var.param(Tensor.zeros(12, 10));
        assertThrows(IllegalArgumentException.class, () -> loss.forward(student, Tensor.zeros(6, 9), 0.04));
        assertThrows(
                IllegalArgumentException.class,
                () -> loss.forward(Var.param(Tensor.zeros(3, 10)), Tensor.zeros(6, 10), 0.04));
    }
}
