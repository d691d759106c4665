package dev.loupe.examples;

import dev.loupe.data.Batch;
import dev.loupe.data.DataSources;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.train.EvalMetrics;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.Trainer;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.nn.train.TrainingListener;
import dev.loupe.ssl.common.LoaderBatchSource;
import dev.loupe.ssl.simclr.SimClrObjective;
import dev.loupe.tensor.Rng;

import java.io.IOException;
import java.nio.file.Path;

/**
 * SimCLR on Fashion-MNIST with the library's Trainer: a small ViT learns from two augmented views of each
 * image, a weighted kNN on its CLS features measures progress, and a run that stopped resumes exactly
 * where it stopped (weights, optimiser state, schedule, data order): run the program again on the same folder.
 * Writes RUN_DIR/model.safetensors, the backbone under timm names with its input normalisation.
 *
 * <p>Usage: {@code SimClrFashionMnist [DATA_DIR [RUN_DIR]]} (/usr/share/datasets/fashion-mnist, runs/simclr-example).
 */
public final class SimClrFashionMnist {
    /** The objective (what checkpoints hold), its trainer and the kNN monitor (which also gives the backbone). */
    public record Run(SimClrObjective simclr, Trainer<Batch> trainer, KnnMonitor knn, LabelledData data) {}

    public static Run prepare(Path dataDir, Path runDir, long steps) {
        LabelledData data = DataSources.fashionMnist(dataDir).withTrainLimit(512);   // 512 evenly spaced training images
        ViTConfig vit = ViTConfig.builder(28, 7, 1, 64, 2, 2).build();                // 28x28 grey, 4x4 patches of 7 px, width 64
        SimClrObjective simclr = new SimClrObjective(vit, 128, 32, 0.2, new Rng(0));  // projection 64 -> 128 -> 32, tau 0.2
        RecipeConfig views = RecipeConfig.of(vit.imageSize(), data.mean(), data.std());
        Loader loader = new Loader(data.train(), Recipes.simclr(views), LoaderOptions.builder(64).shuffle(true).dropLast(true).seed(0).build());
        TrainerConfig config = TrainerConfig.builder().maxSteps(steps).lr(1e-3).minLr(1e-5).warmupSteps(2).weightDecay(0.05)
                .checkpointEvery(4).seed(0).build();
        KnnMonitor knn = new KnnMonitor(vit, () -> simclr.module().visual.stateDict(), data, new KnnMonitor.Settings(512, 200, 20, 128));
        return new Run(simclr, new Trainer<>(simclr, new LoaderBatchSource(loader), config, runDir).evaluation(knn), knn, data);
    }

    public static void main(String[] args) throws IOException {
        Path dataDir = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        Path runDir = Path.of(args.length > 1 ? args[1] : "runs/simclr-example");
        Run run = prepare(dataDir, runDir, 16);
        if (run.trainer().resume(runDir)) System.out.println("resumed at step " + run.trainer().step());
        run.trainer().addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() % 4 == 0) System.out.printf("step %d loss %.4f%n", m.step(), m.loss());
            }

            @Override
            public void onEval(EvalMetrics m) {
                System.out.printf("step %d kNN top-1 %.3f%n", m.step(), m.values().get(KnnMonitor.METRIC));
            }
        });
        run.trainer().fit();
        Path model = runDir.resolve("model.safetensors");
        VitWeights.write(model, run.knn().backbone(), run.data().mean(), run.data().std());
        System.out.println("wrote " + model);
    }
}
