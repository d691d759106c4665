package dev.loupe.ssl.common;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.data.Batch;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.nn.train.BatchSource;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.Trainer;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.nn.train.TrainingListener;
import dev.loupe.ssl.byol.ByolObjective;
import dev.loupe.ssl.dinov2.Dinov2Config;
import dev.loupe.ssl.dinov2.Dinov2Objective;
import dev.loupe.ssl.mae.MaeConfig;
import dev.loupe.ssl.mae.MaeObjective;
import dev.loupe.ssl.moco.MocoObjective;
import dev.loupe.ssl.vicreg.VicRegLoss;
import dev.loupe.ssl.vicreg.VicRegObjective;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MAE, DINOv2, VICReg, BYOL and MoCo v3 resume bit for bit with the library's {@link Trainer} alone: their masks come from the
 * step's Rng ({@code StepInfo.rng()}), so a run killed after step 3 and resumed from its step-2
 * checkpoint in a freshly initialised objective ends with the straight run's weights and buffers.
 * MAE, VICReg, BYOL and MoCo v3 read their batches (VICReg, BYOL, MoCo: SimCLR's two views) through {@link LoaderBatchSource}.
 */
class ExactResumeTest {
    private static final class Killed extends RuntimeException {}

    private static TrainerConfig config() {
        return TrainerConfig.builder()
                .epochs(2)
                .maxSteps(6)
                .lr(2e-3)
                .minLr(1e-4)
                .warmupSteps(1)
                .checkpointEvery(2)
                .keepCheckpoints(5)
                .seed(7)
                .build();
    }

    /** 24 random 8x8 RGB images without labels. */
    private static Dataset images() {
        Rng rng = new Rng(3);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 24; i++)
            samples.add(new Sample("img" + i, Image.of(Tensor.rand(rng, 3, 8, 8)), Sample.NO_LABEL, null));
        return new Dataset() {
            @Override
            public String name() {
                return "random";
            }

            @Override
            public int size() {
                return samples.size();
            }

            @Override
            public Sample get(int index) {
                return samples.get(index);
            }

            @Override
            public List<String> classNames() {
                return List.of();
            }
        };
    }

    /** 3 batches per epoch of 2 global + 1 local random crops, a function of (epoch, batch) only. */
    private static BatchSource<Batch> multiCropBatches() {
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return 3;
            }

            @Override
            public EpochIterator<Batch> epoch(int epoch, long startBatch) {
                List<Batch> batches = new ArrayList<>();
                for (long i = startBatch; i < 3; i++)
                    batches.add(TinyBatches.views(4, 2, 1, new Rng(100L * epoch + i)));
                return EpochIterator.of(batches.iterator());
            }

            @Override
            public int samplesIn(Batch batch) {
                return batch.size();
            }
        };
    }

    /** Batches of 6 images through a loader with 2 workers, shuffled by seed 7: MAE's one view or SimCLR's two. */
    private static BatchSource<Batch> loaderBatches(Function<RecipeConfig, ViewTransform> recipe) {
        RecipeConfig config = RecipeConfig.of(8, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
        return new LoaderBatchSource(new Loader(
                images(),
                recipe.apply(config),
                LoaderOptions.builder(6)
                        .shuffle(true)
                        .dropLast(true)
                        .seed(7)
                        .workers(2)
                        .build()));
    }

    @Test
    void maeResumesExactly(@TempDir Path straight, @TempDir Path killed) {
        assertResumesExactly(
                seed -> new MaeObjective(new MaeConfig(TinyBatches.tinyVit(), 8, 1, 2, 0.75, true), new Rng(seed)),
                loaderBatches(Recipes::mae),
                straight,
                killed);
    }

    @Test
    void vicregResumesExactly(@TempDir Path straight, @TempDir Path killed) {
        assertResumesExactly(
                seed -> new VicRegObjective(TinyBatches.tinyVit(), 16, 16, VicRegLoss.Weights.paper(), new Rng(seed)),
                loaderBatches(Recipes::simclr),
                straight,
                killed);
    }

    @Test
    void byolResumesExactly(@TempDir Path straight, @TempDir Path killed) {
        assertResumesExactly(
                seed -> new ByolObjective(TinyBatches.tinyVit(), 16, 8, 0.99, new Rng(seed)),
                loaderBatches(Recipes::simclr),
                straight,
                killed);
    }

    @Test
    void mocoResumesExactly(@TempDir Path straight, @TempDir Path killed) {
        assertResumesExactly(
                seed -> new MocoObjective(TinyBatches.tinyVit(), 16, 8, 0.99, 0.2, true, new Rng(seed)),
                loaderBatches(Recipes::simclr),
                straight,
                killed);
    }

    @Test
    void dinov2ResumesExactly(@TempDir Path straight, @TempDir Path killed) {
        Dinov2Config cfg = Dinov2Config.small().withHead(32, 24, 8).withTeacherTemp(0.04, 0.04, 0);
        assertResumesExactly(
                seed -> new Dinov2Objective(TinyBatches.tinyVit(), cfg, new Rng(seed)),
                multiCropBatches(),
                straight,
                killed);
    }

    private static void assertResumesExactly(
            LongFunction<Objective<Batch>> objective, BatchSource<Batch> source, Path straightDir, Path runDir) {
        Objective<Batch> a = objective.apply(1);
        new Trainer<>(a, source, config(), straightDir).fit();

        Trainer<Batch> b = new Trainer<>(objective.apply(1), source, config(), runDir);
        b.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == 3) throw new Killed();
            }
        });
        assertThrows(Killed.class, b::fit);

        Objective<Batch> c = objective.apply(99);
        Trainer<Batch> resumed = new Trainer<>(c, source, config(), runDir);
        assertTrue(resumed.resume(runDir));
        assertEquals(2, resumed.step());
        resumed.fit();
        assertBitwiseEqual(a.module().stateDict(), c.module().stateDict());
    }

    private static void assertBitwiseEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        List<String> differ = new ArrayList<>();
        expected.forEach((k, t) -> {
            if (!Arrays.equals(t.toFloatArray(), actual.get(k).toFloatArray())) differ.add(k);
        });
        assertEquals(List.of(), differ, "entries that differ after resume");
    }
}
