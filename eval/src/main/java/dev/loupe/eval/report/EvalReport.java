package dev.loupe.eval.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.eval.knn.KnnClassifier;
import dev.loupe.eval.knn.KnnResult;
import dev.loupe.tensor.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation numbers of one method (a checkpoint, or raw pixels) on one data set, in percent.
 * Missing evaluations are null (kNN maps empty). Serialises to JSON and renders as a row of the
 * markdown comparison table.
 *
 * @param method        what was evaluated ("dino vit-tiny ep100", "pixels")
 * @param dataset       the data set ("fashion-mnist")
 * @param features      the feature definition ({@link dev.loupe.eval.features.FeatureMode#describe})
 * @param knnTop1       k -> weighted kNN top-1
 * @param knnTop5       k -> weighted kNN top-5 (only where defined)
 * @param linearTop1    linear-probe top-1, or null
 * @param logisticTop1  logistic-regression top-1, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalReport(
        String method,
        String dataset,
        String features,
        Map<Integer, Double> knnTop1,
        Map<Integer, Double> knnTop5,
        Double linearTop1,
        Double logisticTop1) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvalReport {
        if (method == null || dataset == null)
            throw new IllegalArgumentException("an eval report needs a method and a data set");
        knnTop1 = knnTop1 == null ? Map.of() : new TreeMap<>(knnTop1);
        knnTop5 = knnTop5 == null ? Map.of() : new TreeMap<>(knnTop5);
    }

    /** A report with no numbers yet. */
    public static EvalReport of(String method, String dataset, String features) {
        return new EvalReport(method, dataset, features, Map.of(), Map.of(), null, null);
    }

    /** This report with the kNN results added (NaN top-5 values are left out). */
    public EvalReport withKnn(List<KnnResult> results) {
        Map<Integer, Double> t1 = new TreeMap<>(knnTop1), t5 = new TreeMap<>(knnTop5);
        for (KnnResult r : results) {
            t1.put(r.k(), r.top1());
            if (!Double.isNaN(r.top5())) t5.put(r.k(), r.top5());
        }
        return new EvalReport(method, dataset, features, t1, t5, linearTop1, logisticTop1);
    }

    public EvalReport withLinear(double top1) {
        return new EvalReport(method, dataset, features, knnTop1, knnTop5, top1, logisticTop1);
    }

    public EvalReport withLogistic(double top1) {
        return new EvalReport(method, dataset, features, knnTop1, knnTop5, linearTop1, top1);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("eval report: cannot serialise " + this, e);
        }
    }

    public static EvalReport fromJson(String json) throws IOException {
        return JSON.readValue(json, EvalReport.class);
    }

    /** Writes {@link #toJson()} to {@code file} atomically. */
    public void writeJson(Path file) throws IOException {
        AtomicFile.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A markdown table with one row per report: method, data set, features, kNN top-1 at k = 10, 20,
     * 100, 200, linear probe and logistic regression; "-" where a number is missing.
     */
    public static String markdownTable(List<EvalReport> reports) {
        StringBuilder sb = new StringBuilder("| method | data set | features |");
        for (int k : KnnClassifier.DINO_KS) sb.append(" kNN k=").append(k).append(" |");
        sb.append(" linear | logistic |\n|---|---|---|");
        sb.append("---:|".repeat(KnnClassifier.DINO_KS.length + 2)).append('\n');
        for (EvalReport r : reports) {
            sb.append("| ")
                    .append(cell(r.method))
                    .append(" | ")
                    .append(cell(r.dataset))
                    .append(" | ")
                    .append(r.features == null ? "-" : cell(r.features))
                    .append(" |");
            for (int k : KnnClassifier.DINO_KS)
                sb.append(' ').append(percent(r.knnTop1.get(k))).append(" |");
            sb.append(' ')
                    .append(percent(r.linearTop1))
                    .append(" | ")
                    .append(percent(r.logisticTop1))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String percent(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
