package dev.loupe.cli.train;

import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import dev.loupe.data.transform.ViewTransform;
import java.util.Map;
import picocli.CommandLine.Option;

/** The training augmentation of supervised training and fine-tuning. */
public final class AugmentOptions {
    /** Zero padding of the pad-crop recipe (the CIFAR-style recipe, 2 px for 28 x 28 images). */
    static final int CROP_PADDING = 2;

    @Option(
            names = "--augment",
            defaultValue = "pad-crop",
            description = "Training augmentation: pad-crop (zero-pad 2, random crop, flip), "
                    + "flip (flip only) or rrc (RandomResizedCrop 0.08-1, flip) (default ${DEFAULT-VALUE}).")
    String augment;

    /** The chosen training transform for recipe's size and normalisation. */
    public ViewTransform transform(RecipeConfig recipe) {
        return switch (augment) {
            case "pad-crop" -> Recipes.supervisedTrain(recipe.withPadding(CROP_PADDING));
            case "flip" -> Recipes.flipOnly(recipe);
            case "rrc" -> Recipes.supervisedTrain(recipe.withPadding(0));
            default ->
                throw new IllegalArgumentException("--augment must be pad-crop, flip or rrc, got '" + augment + "'");
        };
    }

    /** Records the choice under "augment" (and the padding of pad-crop) in a run's settings. */
    public void record(Map<String, Object> settings) {
        settings.put("augment", augment);
        if (augment.equals("pad-crop")) settings.put("train_crop_padding", CROP_PADDING);
    }
}
