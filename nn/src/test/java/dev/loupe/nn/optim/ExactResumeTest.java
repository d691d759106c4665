package dev.loupe.nn.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training S = 6 steps straight must give bitwise the same weights and optimiser state as training
 * k = 3 steps, saving model and optimiser state to safetensors, loading both into fresh objects
 * (a model with different initial weights) and training the remaining 3 steps. The learning rate
 * and weight decay come from schedules indexed by the restored step count.
 */
class ExactResumeTest {
    private static final int TOTAL = 6, SPLIT = 3;
    private static final CosineSchedule LR = new CosineSchedule(1e-2, 1e-4, TOTAL, 2, 1e-3);
    private static final CosineSchedule WD = new CosineSchedule(0.04, 0.4, TOTAL, 0, 0);

    @TempDir
    Path dir;

    private static VisionTransformer model(long seed) {
        return new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 2, 2, 3), new Rng(seed));
    }

    private static Optimizer optimizer(String kind, VisionTransformer m) {
        Map<String, Var> named = m.namedParameters();
        return switch (kind) {
            case "adamw" -> new AdamW(ParamGroup.decayAndNoDecay(named), 1e-2, 0.9, 0.999, 1e-8, 0.05);
            case "sgd" -> new Sgd(ParamGroup.decayAndNoDecay(named), 1e-2, 0.9, true, 1e-4);
            case "lars" -> new Lars(ParamGroup.layerwiseDecay(named, 2, 0.75, 0.2), 1e-2, 0.9, 0.001, 0.05);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static void train(VisionTransformer m, Optimizer opt, int steps) {
        Rng rng = new Rng(11);
        Var images = Var.of(Tensor.randn(rng, 4, 1, 8, 8)); // (B, C, H, W)
        Tensor targets = Tensor.ofLongs(new long[] {0, 2, 1, 2}); // (B)
        for (int i = 0; i < steps; i++) {
            opt.setLr(LR.at(opt.stepCount()));
            opt.setWeightDecay(WD.at(opt.stepCount()));
            opt.zeroGrad();
            m.forward(images).crossEntropy(targets, 0).backward();
            opt.step();
        }
    }

    private static void assertBitwiseEqual(String what, Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet(), what + ": names");
        expected.forEach((k, e) -> {
            Tensor a = actual.get(k);
            assertArrayEquals(e.sizes(), a.sizes(), what + " " + k + ": shape");
            if (e.dtype() == DType.I64) {
                assertArrayEquals(e.toLongArray(), a.toLongArray(), what + " " + k);
                return;
            }
            float[] x = e.toFloatArray(), y = a.toFloatArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(
                        Float.floatToRawIntBits(x[i]),
                        Float.floatToRawIntBits(y[i]),
                        what + " " + k + " element " + i + ": " + x[i] + " vs " + y[i]);
            }
        });
    }

    private static boolean bitwiseEqual(Map<String, Tensor> a, Map<String, Tensor> b) {
        for (var e : a.entrySet()) {
            float[] x = e.getValue().toFloatArray(), y = b.get(e.getKey()).toFloatArray();
            for (int i = 0; i < x.length; i++)
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) return false;
        }
        return true;
    }

    /** Trains k steps, checkpoints to files, and returns fresh objects restored from them. */
    private record Resumed(VisionTransformer model, Optimizer optimizer) {}

    private Resumed checkpointAndRestore(String kind, boolean loadOptimizer) throws IOException {
        VisionTransformer m = model(1);
        Optimizer opt = optimizer(kind, m);
        train(m, opt, SPLIT);
        Path modelFile = dir.resolve(kind + "-model.safetensors"), optFile = dir.resolve(kind + "-optim.safetensors");
        SafeTensors.write(modelFile, m.stateDict());
        SafeTensors.write(optFile, opt.stateDict());

        VisionTransformer fresh = model(2);
        assertTrue(fresh.loadStateDict(SafeTensors.read(modelFile), true).clean());
        Optimizer freshOpt = optimizer(kind, fresh);
        Map<String, Tensor> saved = SafeTensors.read(optFile);
        if (loadOptimizer) freshOpt.loadStateDict(saved);
        else freshOpt.loadStateDict(Map.of("step", saved.get("step")));
        return new Resumed(fresh, freshOpt);
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "sgd", "lars"})
    void resumingFromFilesIsBitwiseIdentical(String kind) throws IOException {
        VisionTransformer straight = model(1);
        Optimizer straightOpt = optimizer(kind, straight);
        train(straight, straightOpt, TOTAL);

        Resumed r = checkpointAndRestore(kind, true);
        assertEquals(SPLIT, r.optimizer().stepCount());
        train(r.model(), r.optimizer(), TOTAL - SPLIT);

        assertEquals(TOTAL, r.optimizer().stepCount());
        assertBitwiseEqual(kind + " weights", straight.stateDict(), r.model().stateDict());
        assertBitwiseEqual(
                kind + " optimizer state",
                straightOpt.stateDict(),
                r.optimizer().stateDict());
    }

    /** The check above can fail: dropping the optimiser state (moments) changes the weights. */
    @ParameterizedTest
    @ValueSource(strings = {"adamw", "sgd", "lars"})
    void resumingWithoutOptimizerStateDiverges(String kind) throws IOException {
        VisionTransformer straight = model(1);
        train(straight, optimizer(kind, straight), TOTAL);

        Resumed r = checkpointAndRestore(kind, false);
        train(r.model(), r.optimizer(), TOTAL - SPLIT);
        assertFalse(
                bitwiseEqual(straight.stateDict(), r.model().stateDict()),
                kind + ": lost moments should change the result");
    }
}
