package dev.loupe.cli.eval;

import dev.loupe.cli.train.ClassifierRunOptions;
import dev.loupe.data.LabelledData;
import dev.loupe.eval.session.ClassifierRun;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.run.Settings;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loupe eval finetune}: the backbone (or a random ViT) with a new linear head trained end to
 * end on the labelled training split (MAE's main_finetune.py recipe, small-image version): AdamW at
 * 1e-3 x batch / 256 with 1/10 of the epochs (at most 5) of warm-up and a cosine to 1e-6, weight
 * decay 0.05, layer-wise lr decay 0.75, drop path 0.1, label smoothing 0.1, random crop with 2 px
 * padding + flip. Runs through the training session, so --out is a run folder (checkpoints,
 * metrics, plots, --resume); test accuracy each epoch and at the end.
 */
@Command(
        name = "finetune",
        mixinStandardHelpOptions = true,
        description = "Fine-tune a backbone with a new head and report test accuracy.",
        footer =
                "%nShared options default for finetune: --batch 128, --lr = --blr x batch / 256, --min-lr 1e-6, --weight-decay 0.05, no clipping, --drop-path 0.1, --warmup-epochs min(5, epochs / 10), AdamW (0.9, 0.999). --model/--dim/... only shape the ViT of --weights random.")
public final class EvalFinetuneCommand implements Runnable {
    @Mixin
    ClassifierRunOptions run;

    @Mixin
    BackboneOptions backbone;

    @Mixin
    FinetuneRecipeOptions recipe;

    @Option(
            names = "--label-smoothing",
            defaultValue = "0.1",
            description = "Label smoothing (default ${DEFAULT-VALUE}).")
    double labelSmoothing;

    @Override
    public void run() {
        if (backbone.raw())
            throw new IllegalArgumentException("fine-tuning needs a ViT: --weights FILE or random, not raw");
        LabelledData data = run.load();
        if (data.numClasses() == 0)
            throw new IllegalArgumentException("--data " + data.name() + " has no class labels to fine-tune on");
        VisionTransformer model = backbone.load(data, data.numClasses(), recipe.dropPath(backbone.model));
        int batch = recipe.batch(run.common);
        TrainerConfig tc = recipe.trainerConfig(run.common, batch);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", "finetune");
        settings.put("weights", backbone.weights);
        settings.put("init_seed", backbone.initSeed);
        settings.put("data", data.name());
        settings.putAll(Settings.of(model.config()));
        ClassifierRun training = run.prepare(data, model, labelSmoothing, batch, tc, settings);
        System.err.printf(
                Locale.ROOT,
                "finetune %s: %s, ViT dim %d depth %d, lr %.3g, layer decay %s, %d batches/epoch%n",
                backbone.label(),
                data.name(),
                model.config().dim(),
                model.config().depth(),
                tc.lr(),
                recipe.layerDecay,
                training.train().batchesPerEpoch());
        ClassifierRunOptions.train(
                training.withTitle("Fine-tuning " + backbone.label() + ": " + data.name())
                        .withPlotTitle("fine-tuned test accuracy"),
                "fine-tuned");
    }
}
