package dev.loupe.eval.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON results that {@code loupe eval knn} and {@code loupe eval linear} write (knn.json,
 * linear.json) and joins the rows of one method: a kNN result and a linear probe of the same weights,
 * data set and features become one row of {@link EvalReport#markdownTable}.
 */
public final class EvalReports {
    /** The result files looked for inside a folder. */
    public static final List<String> FILE_NAMES = List.of("knn.json", "linear.json");

    private EvalReports() {}

    /**
     * The reports in {@code paths}, in the order given: a file is read as it is, a folder contributes
     * its knn.json and linear.json where present. Reports with the same method, data set and features
     * are merged (a later file's numbers win where both have one).
     *
     * @throws IOException naming the file that cannot be read or is not an eval report; a folder
     *     without result files is an error too
     */
    public static List<EvalReport> collect(List<Path> paths) throws IOException {
        Map<String, EvalReport> rows = new LinkedHashMap<>();
        for (Path p : paths) {
            for (Path file : resultFiles(p)) {
                EvalReport r;
                try {
                    r = EvalReport.fromJson(Files.readString(file));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException(
                            file + " is not an eval report (knn.json / linear.json): " + e.getMessage(), e);
                }
                rows.merge(r.method() + '\u0000' + r.dataset() + '\u0000' + r.features(), r, EvalReports::merge);
            }
        }
        return List.copyOf(rows.values());
    }

    /** One report with the numbers of both; {@code later}'s win where both have one. */
    public static EvalReport merge(EvalReport earlier, EvalReport later) {
        Map<Integer, Double> top1 = new LinkedHashMap<>(earlier.knnTop1()),
                top5 = new LinkedHashMap<>(earlier.knnTop5());
        top1.putAll(later.knnTop1());
        top5.putAll(later.knnTop5());
        return new EvalReport(
                later.method(),
                later.dataset(),
                later.features(),
                top1,
                top5,
                later.linearTop1() != null ? later.linearTop1() : earlier.linearTop1(),
                later.logisticTop1() != null ? later.logisticTop1() : earlier.logisticTop1());
    }

    private static List<Path> resultFiles(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            if (!Files.isRegularFile(p)) throw new IOException(p + " does not exist");
            return List.of(p);
        }
        List<Path> files = new ArrayList<>();
        for (String name : FILE_NAMES) if (Files.isRegularFile(p.resolve(name))) files.add(p.resolve(name));
        if (files.isEmpty())
            throw new IOException(p + " holds no eval results (" + String.join(", ", FILE_NAMES) + ")");
        return files;
    }
}
