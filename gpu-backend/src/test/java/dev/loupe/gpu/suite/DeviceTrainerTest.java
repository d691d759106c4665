package dev.loupe.gpu.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.BatchSource;
import dev.loupe.nn.train.GradClipMode;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.Trainer;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.nn.train.TrainingListener;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.testing.TensorAssert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generic trainer on the test device: a tiny ViT classifier (drop path on, global-norm clipping,
 * warm-up and cosine schedules) trained 5 steps on the host, and on the device with a crash after step 3
 * and a resume from the step-2 checkpoint (written from device tensors, loaded back into them). The
 * resumed device run ends within 1e-4 of the host run.
 */
class DeviceTrainerTest {
    private static final double RTOL = 1e-4;

    private record Batch(Tensor images, Tensor labels) {}

    private static final class Crash extends RuntimeException {}

    @Test
    void crashedAndResumedDeviceRunMatchesTheHostRun(@TempDir Path hostDir, @TempDir Path deviceDir) {
        if (!TestDevice.ready("crashedAndResumedDeviceRunMatchesTheHostRun")) return;
        VisionTransformer host = model(1);
        new Trainer<>(objective(host), source(), config(), hostDir).fit();

        VisionTransformer crashed = model(1);
        crashed.to(TestDevice.DEVICE);
        Trainer<Batch> first = new Trainer<>(objective(crashed), onDevice(source()), config(), deviceDir);
        first.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == 3) throw new Crash();
            }
        });
        assertThrows(Crash.class, first::fit);

        VisionTransformer resumed = model(99);
        resumed.to(TestDevice.DEVICE);
        Trainer<Batch> second = new Trainer<>(objective(resumed), onDevice(source()), config(), deviceDir);
        assertTrue(second.resume(deviceDir));
        assertEquals(2, second.step());
        second.fit();
        assertEquals(5, second.step());
        second.optimizer().stateDict().forEach((k, t) -> {
            if (!k.endsWith("step")) assertEquals(TestDevice.DEVICE, t.device(), k + " optimiser state on the device");
        });
        Map<String, Var> expected = host.namedParameters(), actual = resumed.namedParameters();
        expected.forEach((name, p) -> {
            Tensor e = p.data(), a = actual.get(name).data();
            assertEquals(TestDevice.DEVICE, a.device(), name);
            if (name.endsWith("attn.qkv.bias")) {
                // the key bias's gradient is a structural zero: rounding noise that Adam turns into +-lr steps
                int d = e.size(0) / 3;
                TensorAssert.assertCloseToScale(name + " (q)", e.narrow(0, 0, d), a.narrow(0, 0, d), RTOL);
                TensorAssert.assertCloseToScale(name + " (v)", e.narrow(0, 2 * d, d), a.narrow(0, 2 * d, d), RTOL);
            } else {
                TensorAssert.assertCloseToScale(name, e, a.cpu(), RTOL);
            }
        });
    }

    private static TrainerConfig config() {
        return TrainerConfig.builder()
                .epochs(2)
                .maxSteps(5)
                .lr(3e-3)
                .minLr(1e-4)
                .warmupSteps(2)
                .weightDecay(0.04)
                .weightDecayEnd(0.4)
                .clip(GradClipMode.GLOBAL_NORM, 1.0)
                .checkpointEvery(2)
                .keepCheckpoints(3)
                .seed(5)
                .build();
    }

    /** 8x8 grey images, patch 4, dim 16, 2 blocks, 3 classes, drop path 0.1. */
    private static VisionTransformer model(long seed) {
        return new VisionTransformer(ViTConfig.of(8, 4, 1, 16, 2, 2, 3).withDropPath(0.1), new Rng(seed));
    }

    private static Objective<Batch> objective(VisionTransformer vit) {
        return new Objective<>() {
            @Override
            public Module module() {
                return vit;
            }

            @Override
            public Map<String, Var> trainableParameters() {
                return vit.namedParameters();
            }

            @Override
            public Var loss(Batch b, StepInfo step) {
                return vit.forward(Var.of(b.images())).crossEntropy(b.labels(), 0.0);
            }
        };
    }

    private static BatchSource<Batch> onDevice(BatchSource<Batch> source) {
        return source.map(
                b -> new Batch(b.images().to(TestDevice.DEVICE), b.labels().to(TestDevice.DEVICE)));
    }

    /** 12 fixed samples in batches of 4; each epoch a permutation drawn from Rng(100 + epoch). */
    private static BatchSource<Batch> source() {
        Tensor images = Tensor.randn(new Rng(7), 12, 1, 8, 8);
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return 3;
            }

            @Override
            public EpochIterator<Batch> epoch(int epoch, long startBatch) {
                int[] order = new Rng(100 + epoch).permutation(12);
                List<Batch> batches = new ArrayList<>();
                for (int b = (int) startBatch; b < 3; b++) {
                    Tensor[] xs = new Tensor[4];
                    long[] ys = new long[4];
                    for (int i = 0; i < 4; i++) {
                        xs[i] = images.narrow(0, order[b * 4 + i], 1);
                        ys[i] = order[b * 4 + i] % 3;
                    }
                    batches.add(new Batch(Tensor.concat(0, xs), Tensor.ofLongs(ys, 4)));
                }
                return EpochIterator.of(batches.iterator());
            }

            @Override
            public int samplesIn(Batch batch) {
                return batch.images().size(0);
            }
        };
    }
}
