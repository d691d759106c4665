package dev.loupe.ssl.dino;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DinoLossEntropyTest {
    @Test
    void uniformTargetsHaveEntropyLnKAndOneHotTargetsZero() {
        assertEquals(Math.log(8), DinoLoss.meanEntropy(Tensor.full(dev.loupe.tensor.DType.F32, 1.0 / 8, 3, 8)), 1e-6);
        Tensor oneHot = Tensor.zeros(2, 5);
        oneHot.setDouble(1.0, 0, 3);
        oneHot.setDouble(1.0, 1, 0);
        assertEquals(0.0, DinoLoss.meanEntropy(oneHot), 1e-6);
    }

    @Test
    void theLossRecordsTheTeachersEntropy() {
        DinoLoss loss = new DinoLoss(4);
        // teacher logits equal in every column: after centring (center 0) uniform targets, entropy ln 4
        Tensor teacher = Tensor.zeros(4, 4); // (2B, K), B = 2
        loss.forward(dev.loupe.autograd.Var.of(Tensor.zeros(6, 4)), teacher, 0.04);
        assertEquals(Math.log(4), loss.lastTeacherEntropy(), 1e-6);
    }
}
