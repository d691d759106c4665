package dev.loupe.cli.train;

import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
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
 * {@code loupe train slip}: CLIP plus SimCLR on two more views of each image through the image
 * tower and the SimCLR head (image_mlp), L = L_CLIP + ssl-scale * L_SimCLR. Views per image:
 * [CLIP view (RandomResizedCrop 0.5-1), SimCLR view 1, SimCLR view 2]. Defaults: batch 128, AdamW
 * lr 5e-4 (SLIP's 3e-3 at batch 4096, sqrt-scaled to 128), weight decay 0.1, min lr 1e-5, head
 * 512 -> 128 (SLIP: 4096 -> 256, sized down with the towers); see {@link ClipTraining}.
 */
@Command(
        name = "slip",
        mixinStandardHelpOptions = true,
        description = "Train SLIP (CLIP + SimCLR) on captioned images; zero-shot accuracy on the test split.")
public final class SlipCommand implements Runnable, ClipTraining.Method {
    static final CommonTrainOptions.Defaults DEFAULTS =
            new CommonTrainOptions.Defaults(128, 5e-4, 1e-5, 0.1, OptimizerKind.ADAMW, 0.0);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonTrainOptions common;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    ClipTowerOptions options;

    @Mixin
    SlipOptions slip;

    @Override
    public void run() {
        ClipTraining.run(this, common, dataOptions, options, spec);
    }

    @Override
    public String name() {
        return "slip";
    }

    @Override
    public CommonTrainOptions.Defaults defaults() {
        return DEFAULTS;
    }

    @Override
    public ClipModel model(ClipConfig config, Rng rng) {
        return slip.model(config, rng);
    }

    @Override
    public Objective<Batch> objective(ClipModel model, Tokenizer tokenizer) {
        return slip.objective(model, tokenizer);
    }

    @Override
    public ViewTransform trainViews(RecipeConfig recipe) {
        return Recipes.slip(recipe);
    }

    @Override
    public Map<String, Object> settings() {
        return slip.settings();
    }
}
