package dev.loupe.ssl.dinov2;

import static dev.loupe.ssl.common.Golden.RTOL;
import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.Golden;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sinkhorn-Knopp, KoLeo and the iBOT patch loss against PyTorch reproductions of DINOv2's
 * dinov2/loss/*.py (fixture by tools/golden/make_ssl_fixtures.py); tolerance {@link Golden#RTOL}.
 */
class Dinov2GoldenTest {
    private static final Map<String, Tensor> F = Golden.load("dinov2.safetensors");

    @Test
    void sinkhornMatchesPyTorch() {
        Tensor q = SinkhornKnopp.apply(F.get("sinkhorn.in"), 0.07);
        assertCloseToScale("sinkhorn", F.get("sinkhorn.out"), q, RTOL);
        float[] rowSums = q.sum(false, 1).toFloatArray();
        for (float s : rowSums) assertEquals(1f, s, 1e-5f, "each teacher row is an assignment");
    }

    @Test
    void koleoLossAndGradientMatchPyTorch() {
        Var x = Var.param(F.get("koleo.x"));
        Var loss = KoLeoLoss.loss(x);
        assertCloseToScale("koleo", F.get("koleo.loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("koleo grad", F.get("koleo.grad"), x.grad(), RTOL);
    }

    @Test
    void ibotSoftmaxCentredLossGradientAndCenterMatchPyTorch() {
        IbotPatchLoss ibot = new IbotPatchLoss(9);
        ibot.loadStateDict(Map.of("center", F.get("ibot.center")), true);
        double temp = F.get("ibot.teacher_temp").item();
        Tensor targets = ibot.softmaxCenterTeacher(F.get("ibot.teacher"), temp);
        ibot.updateCenter(F.get("ibot.teacher"));
        Var student = Var.param(F.get("ibot.student"));
        Var loss = ibot.forwardMasked(student, targets, F.get("ibot.masks"));
        assertCloseToScale("ibot loss", F.get("ibot.loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("ibot grad", F.get("ibot.grad_student"), student.grad(), RTOL);
        assertCloseToScale("ibot center", F.get("ibot.center_after"), ibot.center(), RTOL);
    }

    @Test
    void ibotSinkhornLossMatchesPyTorch() {
        IbotPatchLoss ibot = new IbotPatchLoss(9);
        Tensor targets = SinkhornKnopp.apply(
                F.get("ibot.teacher"), F.get("ibot.teacher_temp").item());
        Var student = Var.param(F.get("ibot.student"));
        Var loss = ibot.forwardMasked(student, targets, F.get("ibot.masks"));
        assertCloseToScale("ibot sinkhorn loss", F.get("ibot.sk_loss"), loss.data(), RTOL);
        loss.backward();
        assertCloseToScale("ibot sinkhorn grad", F.get("ibot.sk_grad_student"), student.grad(), RTOL);
    }

    @Test
    void ibotRejectsMasksThatDoNotMatchTheTokens() {
        IbotPatchLoss ibot = new IbotPatchLoss(9);
        Var student = Var.param(F.get("ibot.student").narrow(0, 0, 2).contiguous());
        assertThrows(
                IllegalArgumentException.class,
                () -> ibot.forwardMasked(student, F.get("ibot.teacher").narrow(0, 0, 2), F.get("ibot.masks")));
    }
}
