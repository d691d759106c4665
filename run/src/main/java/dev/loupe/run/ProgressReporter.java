package dev.loupe.run;

import dev.loupe.nn.train.EvalMetrics;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.TreeMap;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress on stderr: a progress bar on an interactive terminal, otherwise a plain line every
 * {@code every} steps ("step 120/4700 epoch 1 loss 0.523 lr 1.2e-3 412 img/s eta 12m"). Evaluations
 * and checkpoints get a line of their own either way.
 */
public final class ProgressReporter implements TrainingListener, AutoCloseable {
    private final PrintStream err;
    private final long every;
    private final ProgressBar bar;
    private final long startStep;
    private final long startNanos = System.nanoTime();

    public ProgressReporter(PrintStream err, long every, long startStep, long totalSteps, boolean interactive) {
        this.err = err;
        this.every = Math.max(1, every);
        this.startStep = startStep;
        this.bar = interactive
                ? new ProgressBarBuilder()
                        .setTaskName("train")
                        .setInitialMax(totalSteps)
                        .startsFrom(startStep, java.time.Duration.ZERO)
                        .setUpdateIntervalMillis(500)
                        .setUnit(" steps", 1)
                        .showSpeed()
                        .build()
                : null;
    }

    /** Whether stderr is an interactive terminal. */
    public static boolean interactiveTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /**
     * A bar counting up to max units (e.g. " images") with their speed, on an interactive terminal;
     * elsewhere null, so a caller steps it only when there is one.
     */
    public static ProgressBar countBar(String task, long max, String unit) {
        return interactiveTerminal()
                ? new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(max)
                        .setUnit(unit, 1)
                        .showSpeed()
                        .build()
                : null;
    }

    @Override
    public void onStep(StepMetrics m) {
        if (bar != null) {
            bar.stepTo(m.step());
            // after the library's "steps/s": a separator, then what a person watches
            bar.setExtraMessage(String.format(
                    Locale.ROOT,
                    " | epoch %d  loss %.4f  lr %.2e  %.0f img/s",
                    m.epoch(),
                    m.loss(),
                    m.lr(),
                    m.imagesPerSecond()));
            return;
        }
        if (m.step() % every != 0 && m.step() != m.totalSteps()) return;
        err.println(line(m));
    }

    String line(StepMetrics m) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long done = m.step() - startStep;
        double eta = done > 0 ? seconds / done * (m.totalSteps() - m.step()) : Double.NaN;
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "step %d/%d epoch %d loss %.4f lr %.2e %.0f img/s eta %s",
                m.step(),
                m.totalSteps(),
                m.epoch(),
                m.loss(),
                m.lr(),
                m.imagesPerSecond(),
                duration(eta)));
        new TreeMap<>(m.objective()).forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.4g", k, v)));
        return sb.toString();
    }

    /** "45s", "12m", "3h05m"; "?" when unknown. */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m";
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    @Override
    public void onEval(EvalMetrics m) {
        StringBuilder sb = new StringBuilder("eval at step " + m.step() + " (epoch " + m.epoch() + "):");
        new TreeMap<>(m.values()).forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.4f", k, v)));
        println(sb.toString());
    }

    @Override
    public void onCheckpoint(long step, java.nio.file.Path directory) {
        if (bar == null) err.println("checkpoint " + directory);
    }

    private void println(String s) {
        if (bar != null) bar.pause();
        err.println(s);
        if (bar != null) bar.resume();
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
