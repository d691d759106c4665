package dev.loupe.ssl.mae;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.TinyBatches;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** MAE masking and a few training steps on a tiny model. */
class MaeObjectiveTest {
    @Test
    void randomMaskingKeepsTheLowestNoiseAndRestoresOrder() {
        Tensor noise = Tensor.of(new float[] {0.9f, 0.1f, 0.5f, 0.3f, 0.7f, 0.2f, 0.4f, 0.8f}, 1, 8);
        RandomMasking.Result r = new RandomMasking(0.75).fromNoise(noise);
        assertArrayEquals(new long[] {1, 5}, r.idsKeep().toLongArray());
        // ids_restore = argsort(ids_shuffle): shuffle is [1, 5, 3, 6, 2, 4, 7, 0]
        assertArrayEquals(new long[] {7, 0, 4, 2, 5, 1, 3, 6}, r.idsRestore().toLongArray());
        assertArrayEquals(new float[] {1, 0, 1, 1, 1, 0, 1, 1}, r.mask().toFloatArray());
        RandomMasking.Result sampled = new RandomMasking(0.75).sample(3, 16, new Rng(1));
        assertEquals(4, sampled.keep());
        assertEquals(3 * 12, sampled.mask().sum().item(), 0);
        assertThrows(IllegalArgumentException.class, () -> new RandomMasking(1.0));
    }

    @Test
    void lossIsFiniteAndDecreasesOverFiveSteps() {
        ViTConfig enc = TinyBatches.tinyVit();
        MaeObjective o = new MaeObjective(new MaeConfig(enc, 8, 1, 2, 0.75, true), new Rng(2));
        assertTrue(o.module().stateDict().containsKey("decoder_pos_embed"));
        AdamW opt = new AdamW(ParamGroup.single(o.trainableParameters()), 3e-3, 0.9, 0.95, 1e-8, 0.05);
        Batch batch = TinyBatches.views(4, 1, 0, new Rng(3));
        Tensor noise = Tensor.rand(new Rng(4), 4, 16);
        double first = 0, last = 0;
        for (int i = 0; i < 6; i++) {
            opt.zeroGrad();
            Var loss = o.loss(batch.images(), noise);
            assertTrue(Double.isFinite(loss.item()), "loss " + loss.item() + " at step " + i);
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < first, "loss did not decrease: " + first + " -> " + last);
        assertTrue(
                Double.isFinite(o.loss(batch, new StepInfo(0, 1, 0, 1)).item()),
                "random masking from the objective's Rng");
    }

    @Test
    void wrongImageSizeIsRejected() {
        MaeObjective o = new MaeObjective(new MaeConfig(TinyBatches.tinyVit(), 8, 1, 2, 0.75, false), new Rng(5));
        assertThrows(
                IllegalArgumentException.class,
                () -> o.loss(Tensor.rand(new Rng(1), 2, 3, 4, 4), Tensor.rand(new Rng(2), 2, 16)));
    }
}
