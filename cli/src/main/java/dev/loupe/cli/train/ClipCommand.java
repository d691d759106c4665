package dev.loupe.cli.train;

import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.ClipObjective;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.OptimizerKind;
import dev.loupe.tensor.Rng;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code loupe train clip}: CLIP's symmetric contrastive loss between the image tower's embedding of
 * one RandomResizedCrop(0.5-1) view and the text tower's embedding of the caption. Defaults: batch
 * 128, AdamW lr 5e-4 (SLIP's CLIP value, kept unscaled for the small batch: sqrt scaling from 4096
 * gives 9e-5, too slow for a run of minutes), weight decay 0.5, min lr 1e-5; see {@link ClipTraining}.
 */
@Command(
        name = "clip",
        mixinStandardHelpOptions = true,
        description = "Train CLIP on captioned images; zero-shot accuracy on the test split.")
public final class ClipCommand implements Runnable, ClipTraining.Method {
    static final CommonTrainOptions.Defaults DEFAULTS =
            new CommonTrainOptions.Defaults(128, 5e-4, 1e-5, 0.5, OptimizerKind.ADAMW, 0.0);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonTrainOptions common;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ClipTowerOptions options;

    @Override
    public void run() {
        ClipTraining.run(this, common, dataOptions, options, spec);
    }

    @Override
    public String name() {
        return "clip";
    }

    @Override
    public CommonTrainOptions.Defaults defaults() {
        return DEFAULTS;
    }

    @Override
    public ClipModel model(ClipConfig config, Rng rng) {
        return new ClipModel(config, rng);
    }

    @Override
    public Objective<Batch> objective(ClipModel model, Tokenizer tokenizer) {
        return new ClipObjective(model, tokenizer);
    }

    @Override
    public ViewTransform trainViews(RecipeConfig recipe) {
        return Recipes.clip(recipe);
    }

    @Override
    public Map<String, Object> settings() {
        return Map.of();
    }
}
