package dev.loupe.ssl.dino;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DINO objective on a tiny ViT (dim 16, depth 1) with 2 global and 2 local crops. */
class DinoObjectiveTest {
    private static final DinoConfig SMALL = DinoConfig.small().withHead(32, 24, 8);

    @Test
    void teacherStartsAsTheStudentAndStateHasDinoNames() {
        DinoObjective o = new DinoObjective(TinyBatches.tinyVit(), SMALL, new Rng(1));
        Map<String, Tensor> state = o.module().stateDict();
        assertTrue(state.containsKey("student.backbone.blocks.0.attn.qkv.weight"));
        assertTrue(state.containsKey("teacher.head.last_layer.weight_v"));
        assertTrue(state.containsKey("dino_loss.center"));
        o.module()
                .student
                .stateDict()
                .forEach((name, t) -> assertArrayEquals(
                        t.toFloatArray(),
                        o.module().teacher.stateDict().get(name).toFloatArray(),
                        name));
        assertTrue(o.trainableParameters().keySet().stream().allMatch(n -> n.startsWith("student.")));
        VisionTransformer plain = new VisionTransformer(TinyBatches.tinyVit(), new Rng(2));
        assertTrue(plain.loadStateDict(o.teacherBackboneStateDict(), true).clean());
    }

    @Test
    void lastLayerGetsNoGradientDuringEpochZeroOnly() {
        DinoObjective o = new DinoObjective(TinyBatches.tinyVit(), SMALL, new Rng(3));
        Batch batch = TinyBatches.views(4, 2, 2, new Rng(4));
        for (int epoch = 0; epoch < 2; epoch++) {
            StepInfo step = new StepInfo(epoch * 10L, 20, epoch, 10);
            o.module().student.zeroGrad();
            o.loss(batch, step).backward();
            o.beforeOptimizerStep(step);
            Var lastLayer = o.trainableParameters().get("student.head.last_layer.weight_v");
            if (epoch == 0) assertNull(lastLayer.grad(), "epoch 0 must drop the last layer's gradient");
            else assertNotNull(lastLayer.grad(), "epoch 1 must keep the last layer's gradient");
            assertNotNull(
                    o.trainableParameters().get("student.head.mlp.0.weight").grad());
            assertNotNull(
                    o.trainableParameters().get("student.backbone.cls_token").grad());
        }
    }

    @Test
    void teacherMovesByTheScheduledEma() {
        DinoObjective o = new DinoObjective(TinyBatches.tinyVit(), SMALL, new Rng(5));
        Var s = o.module().student.head.lastLayer().weightV,
                t = o.module().teacher.head.lastLayer().weightV;
        float[] teacherBefore = t.data().toFloatArray();
        s.updateInPlace(d -> d.copyFrom(d.add(1)));
        float[] studentNow = s.data().toFloatArray();
        o.afterOptimizerStep(new StepInfo(50, 100, 0, 100));
        double m = 0.998; // cosine 0.996 -> 1 halfway
        float[] after = t.data().toFloatArray();
        for (int i = 0; i < after.length; i++)
            assertEquals(teacherBefore[i] * m + studentNow[i] * (1 - m), after[i], 1e-6);
        assertEquals(m, o.metrics().get("teacher_momentum"), 1e-15);
    }

    @Test
    void lossIsFiniteAndDecreasesOverFiveSteps() {
        DinoObjective o = new DinoObjective(TinyBatches.tinyVit(), SMALL, new Rng(7));
        AdamW opt = new AdamW(ParamGroup.single(o.trainableParameters()), 3e-3);
        Batch batch = TinyBatches.views(4, 2, 2, new Rng(8));
        double first = 0, last = 0;
        for (int i = 0; i < 6; i++) {
            StepInfo step = new StepInfo(i, 1000, 1, 1000); // epoch 1: the last layer trains too
            opt.zeroGrad();
            Var loss = o.loss(batch, step);
            assertTrue(Double.isFinite(loss.item()), "loss " + loss.item() + " at step " + i);
            loss.backward();
            o.beforeOptimizerStep(step);
            opt.step();
            o.afterOptimizerStep(step);
            if (i == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < first, "loss did not decrease: " + first + " -> " + last);
        assertEquals(0.04, o.metrics().get("teacher_temp"), 0);
    }

    @Test
    void tooFewViewsAreRejected() {
        DinoObjective o = new DinoObjective(TinyBatches.tinyVit(), SMALL, new Rng(9));
        assertThrows(
                IllegalArgumentException.class,
                () -> o.loss(TinyBatches.views(2, 1, 0, new Rng(1)), new StepInfo(0, 1, 0, 1)));
    }
}
