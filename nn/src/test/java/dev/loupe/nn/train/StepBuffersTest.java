package dev.loupe.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A training step's arrays go back to the pool when it ends ({@link StepBuffers}): the weights, the optimiser's
 * state and the losses are the bits of steps with pooling off, with every reused array poisoned with NaN first;
 * a steady-state step allocates one new array, for its result (the loss tensor), which survives the later steps.
 */
class StepBuffersTest {
    @AfterEach
    void clearSwitches() {
        System.clearProperty("loupe.buffer.pool");
        System.clearProperty("loupe.buffer.poison");
    }

    /** Losses, then every parameter and optimiser state entry, after {@code steps} AdamW steps on a tiny ViT. */
    private static List<float[]> train(int steps, StepBuffers buffers, List<Long> createdAfterEachStep) {
        VisionTransformer vit = TinyClassifier.model(5);
        AdamW opt = new AdamW(ParamGroup.single(vit.namedParameters()), 1e-2);
        Rng rng = new Rng(9);
        Tensor images = Tensor.randn(rng, 6, 1, 8, 8), labels = Tensor.ofLongs(new long[] {0, 1, 2, 0, 1, 2});
        List<float[]> out = new ArrayList<>();
        List<Tensor> losses = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            vit.reseed(i); // drop path draws from the step's seed
            Tensor loss = buffers.run(vit, opt, () -> {
                opt.zeroGrad();
                Var l = vit.forward(Var.of(images)).crossEntropy(labels, 0.0);
                l.backward();
                opt.step();
                return l.data();
            });
            losses.add(loss); // the step's result: kept past the later steps
            if (createdAfterEachStep != null) createdAfterEachStep.add(buffers.created());
        }
        for (Tensor l : losses) out.add(l.toFloatArray());
        for (Tensor t : vit.stateDict().values()) out.add(t.toFloatArray());
        for (Map.Entry<String, Tensor> e : opt.stateDict().entrySet())
            if (!e.getKey().endsWith("step")) out.add(e.getValue().toFloatArray());
        return out;
    }

    @Test
    void pooledStepsGiveTheUnpooledBitsAndReachASteadyState() {
        System.setProperty("loupe.buffer.pool", "off");
        List<float[]> expected = train(4, new StepBuffers(), null);
        System.clearProperty("loupe.buffer.pool");
        System.setProperty("loupe.buffer.poison", "true");
        StepBuffers buffers = new StepBuffers();
        List<Long> created = new ArrayList<>();
        List<float[]> got = train(4, buffers, created);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), got.get(i), 0f, "entry " + i);
        assertTrue(buffers.reused() > 0, "nothing was reused");
        assertTrue(created.get(0) > 0, "the first step drew no array from the pool");
        // after the first step a step allocates one new array: the loss it returns, kept for the caller
        assertEquals(
                List.of(1L, 1L, 1L),
                List.of(
                        created.get(1) - created.get(0),
                        created.get(2) - created.get(1),
                        created.get(3) - created.get(2)),
                "arrays allocated per step: " + created);
    }
}
