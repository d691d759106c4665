package dev.loupe.eval.session;

import dev.loupe.data.EvenSubset;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.eval.knn.KnnMonitor;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.run.RunDirectory;
import dev.loupe.run.RunReport;
import dev.loupe.run.Settings;
import dev.loupe.run.TrainingOutcome;
import dev.loupe.ssl.common.LoaderBatchSource;
import dev.loupe.tensor.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A self-supervised training run in a run folder, what {@code loupe train dino|dinov2|mae|simclr|vicreg|byol|moco}
 * does: trains {@link SslPlan} on an evenly spaced subset of data's training split with a kNN monitor
 * ({@link KnnMonitor}: knn_top1 and rankme at each evaluation), then, on rank 0, writes
 * <ul>
 *   <li>FOLDER/config.json: settings (method, data, train_limit, model, the backbone, the method's settings,
 *       batch and the trainer configuration, in that order) and runtime (the setup's entries, then knn_train,
 *       knn_test, knn_k, eval_batch);
 *   <li>FOLDER/metrics.jsonl, checkpoints/ and plots/ as {@link TrainingSession} writes them;
 *   <li>FOLDER/model.safetensors: the backbone under timm ViT names with data's mean and std
 *       ({@link VitWeights#read} loads it);
 *   <li>FOLDER/report.md, with a "Weights" section on what the weights hold.
 * </ul>
 * The header line (method, data, backbone shape, trainable parameters, batches per epoch, lr) and the
 * progress go to the setup's log; nothing goes to stdout.
 *
 * <pre>{@code
 * SslRun.Result r = SslRun.of(plan, data, RunSetup.in(Path.of("runs/simclr"))).withTrainLimit(10_000).run();
 * }</pre>
 *
 * @param plan        what to train
 * @param data        the data set: the training split feeds the plan, both splits the kNN monitor
 * @param setup       the run folder, device, data parallel and progress
 * @param trainLimit  training images, evenly spaced over the split (0: all)
 * @param model       the model's name for config.json (a preset such as "fmnist", or "custom")
 * @param knn         the kNN monitor's images, k and batch
 * @param loader      the training loader's options; null: shuffled, last partial batch dropped, seeded
 *                    with the trainer's seed, this rank's shard of each batch
 */
public record SslRun(
        SslPlan plan,
        LabelledData data,
        RunSetup setup,
        int trainLimit,
        String model,
        KnnMonitor.Settings knn,
        LoaderOptions loader) {
    public SslRun {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(knn, "knn");
    }

    /** The kNN monitor's defaults: 10,000 training and 2,000 test images, k 20, 256 images per forward pass. */
    public static final KnnMonitor.Settings DEFAULT_KNN = new KnnMonitor.Settings(10_000, 2_000, 20, 256);

    /** plan on all of data's training images, model "custom", the default kNN monitor and loader. */
    public static SslRun of(SslPlan plan, LabelledData data, RunSetup setup) {
        return new SslRun(plan, data, setup, 0, "custom", DEFAULT_KNN, null);
    }

    public SslRun withTrainLimit(int trainLimit) {
        return new SslRun(plan, data, setup, trainLimit, model, knn, loader);
    }

    public SslRun withModel(String model) {
        return new SslRun(plan, data, setup, trainLimit, model, knn, loader);
    }

    public SslRun withKnn(KnnMonitor.Settings knn) {
        return new SslRun(plan, data, setup, trainLimit, model, knn, loader);
    }

    public SslRun withLoader(LoaderOptions loader) {
        return new SslRun(plan, data, setup, trainLimit, model, knn, loader);
    }

    /**
     * What the run did.
     *
     * @param outcome  steps, last metrics, time
     * @param knnTop1  the last evaluation's kNN top-1 accuracy (0..1); null when the run never evaluated
     * @param weights  model.safetensors; null on ranks other than 0, which write nothing
     * @param report   report.md; null on ranks other than 0
     */
    public record Result(TrainingOutcome outcome, Double knnTop1, Path weights, Path report) {}

    /** Trains, then (rank 0) writes the weights and the report; see the class comment for what goes where. */
    public Result run() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", plan.method());
        settings.put("data", data.name());
        settings.put("train_limit", trainLimit);
        settings.put("model", model);
        settings.putAll(Settings.of(plan.backbone()));
        settings.putAll(plan.methodSettings());
        settings.putAll(Settings.of(Map.of("batch", plan.batch()), plan.config()));
        Map<String, Object> runtime = new LinkedHashMap<>(setup.runtime());
        runtime.put("knn_train", knn.trainImages());
        runtime.put("knn_test", knn.testImages());
        runtime.put("knn_k", knn.k());
        runtime.put("eval_batch", knn.batch());

        Loader train = new Loader(EvenSubset.of(data.train(), trainLimit), plan.augmentation(), loaderOptions());
        KnnMonitor monitor = new KnnMonitor(plan.backbone(), plan.backboneState(), data, knn);
        RunDirectory dir = new RunDirectory(setup.folder());
        ViTConfig b = plan.backbone();
        setup.log()
                .printf(
                        Locale.ROOT,
                        "%s: %s, ViT dim %d depth %d heads %d %s, %,d trainable parameters, %d batches/epoch, lr %.3g%n",
                        plan.method(),
                        data.name(),
                        b.dim(),
                        b.depth(),
                        b.heads(),
                        b.patchLabel(),
                        plan.objective().trainableParameters().values().stream()
                                .mapToLong(p -> p.data().numel())
                                .sum(),
                        train.batchesPerEpoch(),
                        plan.config().lr());
        Device device = setup.device();
        plan.objective().module().to(device);
        TrainingOutcome outcome = setup.train(
                dir,
                settings,
                runtime,
                plan.objective(),
                new LoaderBatchSource(train).map(batch -> batch.to(device)),
                plan.config(),
                monitor);
        Double top1 =
                outcome.lastEval() == null ? null : outcome.lastEval().values().get(KnnMonitor.METRIC);
        if (!setup.dist().isRankZero()) return new Result(outcome, top1, null, null); // rank 0 writes the results
        try {
            VisionTransformer backbone = monitor.backbone();
            VitWeights.write(dir.finalModel(), backbone, data.mean(), data.std());
            RunReport.write(
                    dir,
                    plan.title() + ": " + data.name(),
                    settings,
                    outcome,
                    List.of(new RunReport.Section(
                            "Weights",
                            "model.safetensors holds " + weightsHold(plan.method())
                                    + " under timm ViT names; evaluate it with `loupe eval knn|linear|finetune --weights "
                                    + dir.finalModel() + "`. knn_top1 is a weighted " + knn.k()
                                    + "-NN (temperature 0.07) on CLS features of "
                                    + (knn.trainImages() == 0 ? "all" : knn.trainImages()) + " training and "
                                    + (knn.testImages() == 0 ? "all" : knn.testImages())
                                    + " test images; rankme is the effective rank (RankMe) of "
                                    + "those training features, near 1 when they have collapsed.")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + dir.root() + ": " + e.getMessage(), e);
        }
        return new Result(outcome, top1, dir.finalModel(), dir.report());
    }

    /** The training loader's options: {@link #loader} or the default for the setup's rank. */
    public LoaderOptions loaderOptions() {
        if (loader != null) return loader;
        return setup.trainLoader(plan.batch(), plan.config().seed());
    }

    /** The report's words for what model.safetensors holds, by method. */
    private static String weightsHold(String method) {
        return switch (method) {
            case "dino", "dinov2" -> "the EMA teacher's backbone";
            case "mae" -> "the encoder (decoder dropped)";
            case "vicreg" -> "the backbone (expander dropped)";
            case "byol" -> "the online backbone (projector, predictor and EMA target dropped)";
            case "moco" -> "the base backbone (projector, predictor and momentum encoder dropped)";
            default -> "the image tower's backbone (projection head dropped)";
        };
    }
}
