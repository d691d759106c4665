package dev.loupe.eval.zeroshot;

import dev.loupe.clip.ClipModel;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.LabelledData;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.retrieval.RetrievalResult;
import dev.loupe.nn.train.Evaluation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation of CLIP / SLIP training on the test split: zero-shot top-1/top-5 ("zeroshot_top1",
 * "zeroshot_top5") when its class names are words, else image-text retrieval R@1 over its captions
 * ("image_to_text_r1", "text_to_image_r1"); all fractions. WebDataset .cls labels are only numbers, so
 * they get retrieval.
 */
public final class ClipMonitor implements Evaluation {
    private final ClipModel model;
    private final Tokenizer tokenizer;
    private final LabelledData data;
    private final Transform transform;
    private final List<String> templates;
    private final int batch;
    private final boolean zeroShot;
    private Object last;

    public ClipMonitor(ClipModel model, Tokenizer tokenizer, LabelledData data, List<String> templates, int batch) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.data = data;
        this.transform = ClipEvaluation.evalTransform(data);
        this.templates = templates;
        this.batch = batch;
        this.zeroShot = data.labelled()
                && !data.classNames().stream().allMatch(n -> n.chars().allMatch(Character::isDigit));
    }

    @Override
    public Map<String, Double> evaluate(long step, int epoch) {
        if (zeroShot) {
            ZeroShotResult r = ClipEvaluation.zeroShot(
                    model, tokenizer, data.test(), transform, data.classNames(), templates, batch);
            last = r;
            return ordered("zeroshot_top1", r.top1(), "zeroshot_top5", r.top5());
        }
        RetrievalResult r = ClipEvaluation.retrieval(model, tokenizer, data.test(), transform, batch);
        last = r;
        return ordered("image_to_text_r1", r.imageToTextR1(), "text_to_image_r1", r.textToImageR1());
    }

    /** Two metrics in this order, so metrics.jsonl and the report list them the same way in every run. */
    private static Map<String, Double> ordered(String first, double a, String second, double b) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(first, a);
        m.put(second, b);
        return m;
    }

    /** The last evaluation's full result (a {@link ZeroShotResult} or {@link RetrievalResult}), or null before the first. */
    public Object last() {
        return last;
    }
}
