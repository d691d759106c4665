package dev.loupe.run;

import dev.loupe.tensor.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * plots/loss.png (training loss by step) and plots/accuracy.png (every accuracy-like metric by step:
 * the objective's train accuracy and the evaluations: test accuracy, kNN and zero-shot top-1/top-5), drawn with XChart from the metrics records.
 */
public final class Plots {
    private Plots() {}

    /** Redraws both plots from the records; a plot with no data is not written. */
    public static void write(Path dir, List<Map<String, Object>> steps, List<Map<String, Object>> evals)
            throws IOException {
        XYChart loss = chart("Training loss", "loss");
        if (addSeries(loss, "train loss", steps, "loss")) save(loss, dir.resolve("loss.png"));
        XYChart acc = chart("Accuracy", "accuracy");
        boolean any = addSeries(acc, "train accuracy (batch)", steps, "train_accuracy");
        for (String key : accuracyKeys(evals)) any |= addSeries(acc, key.replace('_', ' '), evals, key);
        if (any) save(acc, dir.resolve("accuracy.png"));
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder()
                .width(800)
                .height(500)
                .title(title)
                .xAxisTitle("step")
                .yAxisTitle(yTitle)
                .build();
        c.getStyler().setLegendVisible(true);
        c.getStyler().setMarkerSize(4);
        return c;
    }

    private static List<String> accuracyKeys(List<Map<String, Object>> evals) {
        List<String> keys = new ArrayList<>();
        for (Map<String, Object> r : evals) {
            for (String k : r.keySet()) if (isAccuracy(k) && !keys.contains(k)) keys.add(k);
        }
        return keys;
    }

    /** Accuracy-like evaluation metrics, all fractions: test_accuracy, knn_top1, zeroshot_top1, zeroshot_top5. */
    private static boolean isAccuracy(String key) {
        return key.contains("accuracy") || key.endsWith("_top1") || key.endsWith("_top5");
    }

    private static boolean addSeries(XYChart chart, String name, List<Map<String, Object>> records, String key) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (Map<String, Object> r : records) {
            if (r.get(key) instanceof Number v && Double.isFinite(v.doubleValue())) {
                x.add(((Number) r.get("step")).doubleValue());
                y.add(v.doubleValue());
            }
        }
        if (x.isEmpty()) return false;
        chart.addSeries(name, x, y).setMarker(x.size() > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        return true;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(png)));
    }
}
