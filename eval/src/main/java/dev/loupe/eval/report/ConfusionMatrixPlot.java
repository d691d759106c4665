package dev.loupe.eval.report;

import dev.loupe.tensor.io.AtomicFile;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws a {@link ConfusionMatrix} as a PNG heat map with XChart's HeatMapChart: rows are true classes
 * (the first at the top), columns predictions, each cell shaded and labelled by its share of the row
 * (white = 0, blue = 1: the diagonal is each class's recall). Works without a display: the class
 * sets java.awt.headless=true unless the property was set already.
 */
public final class ConfusionMatrixPlot {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private static final int CELL = 44, FRAME = 260;
    private static final Color HIGH = new Color(66, 146, 198); // light enough for the black values

    private ConfusionMatrixPlot() {}

    /** The heat map as an image. */
    public static BufferedImage render(ConfusionMatrix m, String title) {
        return BitmapEncoder.getBufferedImage(chart(m, title));
    }

    /** Renders and writes a PNG atomically (parent folders are created). */
    public static void write(ConfusionMatrix m, String title, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        byte[] bytes = BitmapEncoder.getBitmapBytes(chart(m, title), BitmapEncoder.BitmapFormat.PNG);
        AtomicFile.write(png, bytes);
    }

    private static HeatMapChart chart(ConfusionMatrix m, String title) {
        int k = m.numClasses();
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(k * CELL + FRAME)
                .height(k * CELL + FRAME)
                .title(title + String.format(Locale.ROOT, "  (accuracy %.2f%%)", 100 * m.accuracy()))
                .xAxisTitle("predicted")
                .yAxisTitle("true")
                .build();
        chart.getStyler()
                .setRangeColors(new Color[] {Color.WHITE, HIGH})
                .setMin(0)
                .setMax(1)
                .setShowValue(true)
                .setHeatMapValueDecimalPattern("0.00")
                .setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11))
                .setDrawBorder(true)
                .setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(90);
        List<String> columns = m.classNames();
        List<String> rows = new ArrayList<>(m.classNames());
        Collections.reverse(rows); // the y axis runs upwards: class 0 on the top row
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            long total = m.rowTotal(t);
            for (int p = 0; p < k; p++)
                cells.add(new Number[] {p, k - 1 - t, total == 0 ? 0.0 : (double) m.counts()[t][p] / total});
        }
        chart.addSeries("share of the true class", columns, rows, cells);
        return chart;
    }
}
