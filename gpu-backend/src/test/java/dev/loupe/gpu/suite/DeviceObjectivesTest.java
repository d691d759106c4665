package dev.loupe.gpu.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.Var;
import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipObjective;
import dev.loupe.clip.ClipVisionConfig;
import dev.loupe.clip.tokenizer.BpeTrainer;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.dino.DinoConfig;
import dev.loupe.ssl.dino.DinoObjective;
import dev.loupe.ssl.mae.MaeConfig;
import dev.loupe.ssl.mae.MaeObjective;
import dev.loupe.ssl.simclr.SimClrObjective;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Three optimiser steps of SimCLR, MAE, DINO and CLIP on the test device and on the host, from the
 * same initial weights, batch and random draws: the losses and the whole state (student, teacher,
 * centres, batch-norm statistics) agree within 1e-4 of their scale.
 */
class DeviceObjectivesTest {
    private static final double RTOL = 1e-4;
    /** The AdamW learning rate of {@link #train}: one step moves a parameter by at most about this. */
    private static final double LR = 1e-3;
    /** dim 16, depth 1, 2 heads, 8x8x3 images, patch 2, no head (the ssl tests' tiny ViT). */
    private static final ViTConfig TINY = ViTConfig.of(8, 2, 3, 16, 1, 2, 0);

    @Test
    void simclr() {
        if (!TestDevice.ready("simclr")) return;
        // Batch norm (training mode) removes any per-channel constant before it, so the gradients of the biases
        // that only shift its input are structural zeros (the backbone's final norm bias feeds layer1 -> bn1),
        // and the running means, which average those shifted inputs, inherit the biases' noise.
        sameTraining(
                () -> new SimClrObjective(TINY, 32, 8, 0.5, new Rng(3)),
                views(6, 2, 0, new Rng(4), null),
                Set.of("visual.norm.bias", "image_mlp.layer1.bias", "image_mlp.layer2.bias"),
                Set.of("image_mlp.bn1.running_mean", "image_mlp.bn2.running_mean"));
    }

    @Test
    void mae() {
        if (!TestDevice.ready("mae")) return;
        sameTraining(
                () -> new MaeObjective(new MaeConfig(TINY, 8, 1, 2, 0.75, true), new Rng(2)),
                views(4, 1, 0, new Rng(5), null),
                Set.of(),
                Set.of());
    }

    @Test
    void dino() {
        if (!TestDevice.ready("dino")) return;
        DinoConfig small = DinoConfig.small().withHead(32, 24, 8);
        sameTraining(
                () -> new DinoObjective(TINY, small, new Rng(7)), views(4, 2, 2, new Rng(8), null), Set.of(), Set.of());
    }

    @Test
    void clip() {
        if (!TestDevice.ready("clip")) return;
        List<String> captions = List.of("a red square", "a green circle", "a blue stripe", "a dark corner");
        Tokenizer tokenizer = new Tokenizer(new BpeTrainer().addAll(captions).train(BpeTrainer.BASE_VOCAB + 20));
        ClipConfig config = new ClipConfig(
                new ClipVisionConfig(8, 4, 16, 1, 2, 8), new TextConfig(tokenizer.vocabSize(), 8, 16, 1, 2, 8));
        sameTraining(
                () -> new ClipObjective(new ClipModel(config, new Rng(2)), tokenizer),
                views(4, 1, 0, new Rng(5), captions),
                Set.of(),
                Set.of());
    }

    /** {@code globals} views (B, 3, 8, 8) and {@code locals} (B, 3, 4, 4), uniform in [0, 1). */
    private static Batch views(int b, int globals, int locals, Rng rng, List<String> captions) {
        List<Tensor> views = new ArrayList<>();
        for (int i = 0; i < globals; i++) views.add(Tensor.rand(rng, b, 3, 8, 8));
        for (int i = 0; i < locals; i++) views.add(Tensor.rand(rng, b, 3, 4, 4));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < b; i++) keys.add("sample" + i);
        return new Batch(views, null, captions, keys);
    }

    /**
     * Trains two copies and compares them. {@code structuralZeros}: parameters whose gradient is zero by
     * construction, so both sides hold rounding noise there that Adam's m / sqrt(v) turns into +-lr steps of
     * arbitrary sign; they are only bounded by three steps of lr. {@code shiftedByThem}: state that adds
     * those parameters in (batch-norm running means), bounded by their drift: 2 sides x 3 steps of lr.
     */
    private static void sameTraining(
            Supplier<? extends Objective<Batch>> make,
            Batch batch,
            Set<String> structuralZeros,
            Set<String> shiftedByThem) {
        Objective<Batch> host = make.get(), device = make.get();
        device.module().to(TestDevice.DEVICE);
        Batch onDevice = new Batch(
                batch.views().stream().map(v -> v.to(TestDevice.DEVICE)).toList(),
                null,
                batch.captions(),
                batch.keys());
        double[] hostLosses = train(host, batch), deviceLosses = train(device, onDevice);
        for (int step = 0; step < hostLosses.length; step++) {
            assertEquals(
                    hostLosses[step], deviceLosses[step], RTOL * Math.abs(hostLosses[step]), "loss at step " + step);
        }
        Map<String, Tensor> expected = host.module().stateDict(),
                actual = device.module().stateDict();
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, e) -> {
            Tensor a = actual.get(name);
            assertEquals(TestDevice.DEVICE, a.device(), name + " lives on the device");
            if (structuralZeros.contains(name)) {
                assertTrue(a.abs().max(false).item() <= 3.01e-3, name + " moved more than 3 steps of lr");
            } else if (shiftedByThem.contains(name)) {
                assertTrue(
                        a.cpu().sub(e).abs().max(false).item() <= 6.01e-3,
                        name + " differs by more than the biases' drift");
            } else if (!e.dtype().isFloating()) {
                assertArrayEquals(e.toLongArray(), a.toLongArray(), name);
            } else if (name.endsWith("qkv.bias") || name.endsWith("in_proj_bias")) {
                // The key bias's gradient is a structural zero (softmax over keys ignores a per-row constant):
                // both sides hold rounding noise there that Adam turns into +-lr steps of arbitrary sign.
                // Compare the query and value biases; bound the key bias by three steps of lr.
                int d = e.size(0) / 3;
                assertBiasClose(
                        name + " (q)", e.narrow(0, 0, d), a.narrow(0, 0, d).cpu());
                assertBiasClose(
                        name + " (v)",
                        e.narrow(0, 2 * d, d),
                        a.narrow(0, 2 * d, d).cpu());
                assertTrue(
                        a.narrow(0, d, d).abs().max(false).item() <= 3.01e-3,
                        name + " (k) moved more than 3 steps of lr");
            } else {
                TensorAssert.assertCloseToScale(name, e, a.cpu(), RTOL);
            }
        });
    }

    /**
     * Biases that start at 0, after three AdamW steps of lr 1e-3: each element within RTOL of the
     * tensor's scale, except elements that the host moved by less than 1% of one step. Those had
     * gradients far below Adam's eps (1e-8; about 1e-10 here, e.g. a value-bias lane whose shift the
     * final layer norm passes almost unchanged to a training-mode batch norm, which removes it), where
     * the update is lr g / eps and multiplies the gradients' rounding noise by 1e5: there both sides
     * must stay below 1% of one step. At most a quarter of the elements may be of that kind.
     */
    private static void assertBiasClose(String what, Tensor expected, Tensor actual) {
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double scale = 0, epsRegime = 0.01 * LR;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        int tiny = 0;
        for (int i = 0; i < e.length; i++) {
            boolean belowEps = Math.abs(e[i]) < epsRegime;
            if (belowEps) tiny++;
            double bound = belowEps ? epsRegime : RTOL * scale;
            double diff = belowEps ? Math.abs(a[i]) : Math.abs(e[i] - a[i]);
            assertTrue(
                    diff <= bound,
                    what + " element " + i + ": expected " + e[i] + ", actual " + a[i] + " (bound " + bound + ")");
        }
        assertTrue(tiny <= e.length / 4, what + ": " + tiny + " of " + e.length + " elements barely moved");
    }

    /** Three steps as the trainer runs them (AdamW lr 1e-3, wd 0.05, epoch 0); the loss of each. */
    private static double[] train(Objective<Batch> objective, Batch batch) {
        AdamW opt = new AdamW(ParamGroup.single(objective.trainableParameters()), LR, 0.9, 0.999, 1e-8, 0.05);
        double[] losses = new double[3];
        for (int step = 0; step < losses.length; step++) {
            StepInfo info = new StepInfo(step, losses.length, 0, losses.length);
            opt.zeroGrad();
            Var loss = objective.loss(batch, info);
            losses[step] = loss.item();
            loss.backward();
            objective.beforeOptimizerStep(info);
            opt.step();
            objective.afterOptimizerStep(info);
        }
        return losses;
    }
}
