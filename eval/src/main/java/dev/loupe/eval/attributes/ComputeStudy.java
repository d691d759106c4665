package dev.loupe.eval.attributes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The summary of a compute study (several methods, budgets and towers probed on the same benchmark): a
 * markdown table with one row per run (budget, FLOPs and the probes' accuracies) and, per probe, a plot of
 * accuracy against training FLOPs (log scale) with one line per method and tower.
 */
public final class ComputeStudy {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /**
     * The probes a summary shows, where present: what each family should keep (shape, count, binding) or may
     * drop under its augmentations (colour, position), on seen and held-out pairs, and the language models'
     * zero-shot tasks of the acceptance.
     */
    public static final List<String> HEADLINE = List.of(
            "linear shape seen",
            "linear shape held-out",
            "linear colour seen",
            "linear colour held-out",
            "linear position held-out",
            "linear count mixed",
            "linear shape binding",
            "knn shape seen",
            "zero-shot shape held-out",
            "zero-shot shape from pairs held-out",
            "zero-shot combination held-out");

    private ComputeStudy() {}

    /** The probes as "method attribute split" keys, in first-seen order over all runs. */
    public static List<String> probeKeys(List<StudyRun> runs) {
        Set<String> keys = new LinkedHashSet<>();
        for (StudyRun r : runs) for (ProbeResult p : r.table().rows()) keys.add(key(p));
        return List.copyOf(keys);
    }

    /** One row per run: method, tower, images seen, GFLOPs per step, total training FLOPs, then each probe's accuracy % ("-" if it did not run). */
    public static String markdown(List<StudyRun> runs) {
        return markdown(runs, probeKeys(runs));
    }

    /** {@link #markdown(List)} with only the {@link #HEADLINE} probes that some run has. */
    public static String headline(List<StudyRun> runs) {
        List<String> present = probeKeys(runs);
        return markdown(runs, HEADLINE.stream().filter(present::contains).toList());
    }

    /** {@link #markdown(List)} with the columns of the given probe keys, in that order. */
    public static String markdown(List<StudyRun> runs, List<String> keys) {
        StringBuilder sb = new StringBuilder("| method | tower | images seen | GFLOPs / step | total FLOPs |");
        for (String k : keys) sb.append(' ').append(k).append(" |");
        sb.append("\n|---|---|---:|---:|---:|")
                .append("---:|".repeat(keys.size()))
                .append('\n');
        for (StudyRun r : sorted(runs)) {
            Map<String, ProbeResult> byKey = new LinkedHashMap<>();
            for (ProbeResult p : r.table().rows()) byKey.put(key(p), p);
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %.4g | %.3e |",
                    r.method(),
                    r.tower(),
                    r.imagesSeen(),
                    r.flopsPerStep() / 1e9,
                    r.totalFlops()));
            for (String k : keys) {
                ProbeResult p = byKey.get(k);
                sb.append(p == null ? " - |" : String.format(Locale.ROOT, " %.1f |", 100 * p.accuracy()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Writes one PNG per probe into dir ("linear-shape-held-out.png"); returns the files. */
    public static List<Path> writePlots(List<StudyRun> runs, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (String k : probeKeys(runs)) {
            XYChart chart = new XYChartBuilder()
                    .width(800)
                    .height(500)
                    .title(k)
                    .xAxisTitle("training FLOPs (image tower)")
                    .yAxisTitle("accuracy %")
                    .build();
            chart.getStyler()
                    .setXAxisLogarithmic(true)
                    .setYAxisMin(0.0)
                    .setYAxisMax(100.0)
                    .setMarkerSize(8);
            Map<String, List<double[]>> series = new LinkedHashMap<>();
            for (StudyRun r : sorted(runs)) {
                for (ProbeResult p : r.table().rows()) {
                    if (key(p).equals(k))
                        series.computeIfAbsent(r.method() + " / " + r.tower(), s -> new ArrayList<>())
                                .add(new double[] {r.totalFlops(), 100 * p.accuracy()});
                }
            }
            for (var e : series.entrySet()) {
                double[] x = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
                double[] y = e.getValue().stream().mapToDouble(v -> v[1]).toArray();
                chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
            Path png = dir.resolve(k.replace("->", "to").replaceAll("[^A-Za-z0-9.]+", "-") + ".png");
            Files.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
            files.add(png);
        }
        return files;
    }

    private static String key(ProbeResult p) {
        return p.method() + " " + p.attribute() + " " + p.split();
    }

    private static List<StudyRun> sorted(List<StudyRun> runs) {
        return runs.stream()
                .sorted(Comparator.comparing(StudyRun::method)
                        .thenComparing(StudyRun::tower)
                        .thenComparingDouble(StudyRun::totalFlops))
                .toList();
    }
}
