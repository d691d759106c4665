package dev.loupe.cli.train;

import dev.loupe.data.LabelledData;
import dev.loupe.eval.session.ClassifierRun;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import dev.loupe.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe train supervised}: a ViT classifier trained with (label-smoothed) cross-entropy.
 * Training images: random crop with 2 px padding and horizontal flip, normalised; test images:
 * normalised only. Test accuracy is measured at each epoch end (and every --eval-every steps); the
 * final weights go to runs/NAME/model.safetensors, the last confusion matrix to
 * plots/confusion.png and report.md.
 */
@Command(
        name = "supervised",
        mixinStandardHelpOptions = true,
        description = "Train a ViT classifier with cross-entropy and measure test accuracy.")
public final class SupervisedCommand implements Runnable {
    static final CommonTrainOptions.Defaults DEFAULTS =
            new CommonTrainOptions.Defaults(128, 1e-3, 1e-5, 0.05, OptimizerKind.ADAMW, 0.0);

    @Mixin
    ClassifierRunOptions run;

    @Mixin
    ModelOptions modelOptions;

    @Option(
            names = "--label-smoothing",
            defaultValue = "0",
            description = "Label smoothing of the cross-entropy (default ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Override
    public void run() {
        LabelledData data = run.loadLabelled("supervised training");
        ViTConfig vc = modelOptions.resolve(data.imageSize(), data.channels(), data.numClasses());
        int batch = run.common.batch(DEFAULTS);
        TrainerConfig tc = run.common.trainerConfig(DEFAULTS);
        VisionTransformer model = new VisionTransformer(vc, new Rng(run.common.seed));

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", "supervised");
        settings.put("data", data.name());
        settings.put("model", modelOptions.model);
        settings.putAll(Settings.of(vc));
        ClassifierRun training = run.prepare(data, model, labelSmoothing, batch, tc, settings);
        System.err.printf(
                Locale.ROOT,
                "supervised: %s, ViT dim %d depth %d heads %d %s (%,d parameters), %d batches/epoch%n",
                data.name(),
                vc.dim(),
                vc.depth(),
                vc.heads(),
                vc.patchLabel(),
                model.parameterCount(),
                training.train().batchesPerEpoch());
        ClassifierRunOptions.train(
                training.withTitle("Supervised training: " + data.name()).withPlotTitle("test accuracy"), "trained");
    }
}
