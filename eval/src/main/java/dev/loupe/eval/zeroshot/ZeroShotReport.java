package dev.loupe.eval.zeroshot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code loupe eval zeroshot} writes and prints: zeroshot.json's object (the zero-shot top-1 and top-5,
 * and with the linear probe its top-1, train images, iterations and convergence) and one line for each.
 */
public final class ZeroShotReport {
    private ZeroShotReport() {}

    /** zeroshot.json without the probe: weights, data, classes, templates, top1, top5, count. */
    public static Map<String, Object> json(
            String weights, String data, List<String> classes, List<String> templates, ZeroShotResult r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("weights", weights);
        json.put("data", data);
        json.put("classes", classes);
        json.put("templates", templates);
        json.put("top1", r.top1());
        json.put("top5", r.top5());
        json.put("count", r.count());
        return json;
    }

    /** Adds the linear probe's linear_top1, linear_train_images, linear_iterations and linear_converged. */
    public static void addLinear(Map<String, Object> json, ClipEvaluation.LinearResult lin) {
        json.put("linear_top1", lin.top1());
        json.put("linear_train_images", lin.trainImages());
        json.put("linear_iterations", lin.iterations());
        json.put("linear_converged", lin.converged());
    }

    /** "zero-shot on DATA (N images, K classes, T templates): top-1 0.8000, top-5 0.9500" and a newline. */
    public static String line(String data, int templates, ZeroShotResult r) {
        return String.format(
                Locale.ROOT,
                "zero-shot on %s (%d images, %d classes, %d templates): top-1 %.4f, top-5 %.4f%n",
                data,
                r.count(),
                r.numClasses(),
                templates,
                r.top1(),
                r.top5());
    }

    /** The linear probe's line: train embeddings, L-BFGS iterations (and whether it converged), test top-1. */
    public static String linearLine(ClipEvaluation.LinearResult lin) {
        return String.format(
                Locale.ROOT,
                "linear probe (logistic regression on %d train embeddings, %d L-BFGS iterations%s): test top-1 %.4f%n",
                lin.trainImages(),
                lin.iterations(),
                lin.converged() ? "" : ", not converged",
                lin.top1());
    }
}
