package dev.loupe.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.nn.train.EvalMetrics;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.TrainingListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * metrics.jsonl: a {"type": "step", ...} object every {@code logEvery} steps (and the last step),
 * a {"type": "eval", ...} object per evaluation. The records also stay in memory for the plots and
 * the report. On resume, records past the resumed step (written by the interrupted run after its
 * last checkpoint) are dropped, so the file reads as one run.
 */
public final class MetricsLog implements TrainingListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final long logEvery;
    private final List<Map<String, Object>> steps = new ArrayList<>(), evals = new ArrayList<>();
    private final BufferedWriter out;

    /** Opens {@code file}, keeping the records of steps up to {@code resumedStep} (0 for a fresh run). */
    @SuppressWarnings("unchecked")
    public MetricsLog(Path file, long logEvery, long resumedStep) {
        if (logEvery < 1) throw new IllegalArgumentException("--log-every must be >= 1, got " + logEvery);
        this.logEvery = logEvery;
        try {
            List<String> kept = new ArrayList<>();
            if (resumedStep > 0 && Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    Map<String, Object> rec;
                    try {
                        rec = JSON.readValue(line, Map.class);
                    } catch (IOException e) {
                        continue; // a line cut short by the kill that interrupted the run
                    }
                    if (((Number) rec.getOrDefault("step", 0)).longValue() > resumedStep) continue;
                    kept.add(line);
                    ("eval".equals(rec.get("type")) ? evals : steps).add(rec);
                }
            }
            RunDirectory.writeText(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onStep(StepMetrics m) {
        if (m.step() % logEvery != 0 && m.step() != m.totalSteps()) return;
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("type", "step");
        rec.put("step", m.step());
        rec.put("epoch", m.epoch());
        rec.put("loss", m.loss());
        rec.put("lr", m.lr());
        rec.put("wd", m.weightDecay());
        if (!Double.isNaN(m.gradNorm())) rec.put("grad_norm", m.gradNorm());
        rec.put("images_per_s", m.imagesPerSecond());
        rec.putAll(m.objective());
        write(rec, steps);
    }

    @Override
    public void onEval(EvalMetrics m) {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("type", "eval");
        rec.put("step", m.step());
        rec.put("epoch", m.epoch());
        rec.putAll(new java.util.TreeMap<>(m.values()));
        write(rec, evals);
    }

    private void write(Map<String, Object> rec, List<Map<String, Object>> into) {
        into.add(rec);
        try {
            out.write(JSON.writeValueAsString(rec));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.jsonl: " + e.getMessage(), e);
        }
    }

    /** Step records so far (this run and the part of an interrupted run that was kept). */
    public List<Map<String, Object>> steps() {
        return steps;
    }

    public List<Map<String, Object>> evals() {
        return evals;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
