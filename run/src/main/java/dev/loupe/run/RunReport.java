package dev.loupe.run;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.md at the end of a run: the settings, the final metrics, wall time and throughput, links to
 * the plots, and any method-specific sections (a confusion matrix, ...).
 */
public final class RunReport {
    private RunReport() {}

    /** A titled markdown section a method adds to the report. */
    public record Section(String title, String markdown) {}

    public static void write(
            RunDirectory dir, String title, Map<String, Object> settings, TrainingOutcome outcome, List<Section> extra)
            throws IOException {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        md.append("## Settings\n\n| setting | value |\n|---|---|\n");
        settings.forEach(
                (k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("\n## Result\n\n| metric | value |\n|---|---|\n");
        row(md, "steps", Long.toString(outcome.steps()));
        if (outcome.resumedFrom() > 0) row(md, "resumed from step", Long.toString(outcome.resumedFrom()));
        if (outcome.lastStep() != null) {
            row(md, "final loss", fmt(outcome.lastStep().loss()));
            outcome.lastStep().objective().forEach((k, v) -> row(md, "final " + k.replace('_', ' '), fmt(v)));
        }
        if (outcome.lastEval() != null) {
            outcome.lastEval()
                    .values()
                    .forEach((k, v) -> row(
                            md,
                            k.replace('_', ' ') + " (step " + outcome.lastEval().step() + ")",
                            fmt(v)));
        }
        row(md, "wall time (this invocation)", ProgressReporter.duration(outcome.wallSeconds()));
        row(md, "images/s", String.format(Locale.ROOT, "%.1f", outcome.imagesPerSecond()));
        md.append("\n## Plots\n\n![loss](plots/loss.png)\n\n![accuracy](plots/accuracy.png)\n\n");
        md.append(
                "Per-step records: [metrics.jsonl](metrics.jsonl); resolved configuration: [config.json](config.json).\n");
        for (Section s : extra)
            md.append("\n## ")
                    .append(s.title())
                    .append("\n\n")
                    .append(s.markdown())
                    .append('\n');
        RunDirectory.writeText(dir.report(), md.toString());
    }

    private static void row(StringBuilder md, String k, String v) {
        md.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
