package dev.loupe.eval.supervised;

import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.LabelledData;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderOptions;
import dev.loupe.data.transform.RecipeConfig;
import dev.loupe.data.transform.Recipes;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code loupe eval accuracy}'s input and output: the test loader it measures on, accuracy.json's object
 * and the text it prints (top-1, then the confusion matrix as a Markdown table).
 */
public final class AccuracyReport {
    private AccuracyReport() {}

    /**
     * data's test split in order, every image (no partial batch dropped), normalised at full size (no
     * centre crop), failing on an unreadable image; workers null: one loading thread per core.
     */
    public static Loader testLoader(LabelledData data, int batch, Integer workers) {
        LoaderOptions.Builder lo =
                LoaderOptions.builder(batch).shuffle(false).dropLast(false).onBadSample(BadSamplePolicy.FAIL);
        if (workers != null) lo.workers(workers);
        RecipeConfig recipe =
                RecipeConfig.of(data.imageSize(), data.mean(), data.std()).withEvalCropRatio(1.0);
        return new Loader(data.test(), Recipes.eval(recipe), lo.build());
    }

    /** accuracy.json: weights, data, top1, correct, total, classes and the confusion counts (rows: truth). */
    public static Map<String, Object> json(String weights, String data, AccuracyResult r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("weights", weights);
        json.put("data", data);
        json.put("top1", r.top1());
        json.put("correct", r.correct());
        json.put("total", r.total());
        json.put("classes", r.confusion().classNames());
        json.put("confusion", r.confusion().counts());
        return json;
    }

    /** "top-1 accuracy 0.7500 (3 / 4) on DATA", a blank line, then the confusion matrix in Markdown. */
    public static String text(String data, AccuracyResult r) {
        return String.format(
                        Locale.ROOT, "top-1 accuracy %.4f (%d / %d) on %s%n%n", r.top1(), r.correct(), r.total(), data)
                + r.confusion().toMarkdown();
    }
}
