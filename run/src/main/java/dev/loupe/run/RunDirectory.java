package dev.loupe.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.tensor.io.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The folder of one training run (runs/NAME): config.json (the resolved settings), metrics.jsonl
 * (one JSON object per logged step or evaluation), checkpoints/, plots/loss.png and
 * plots/accuracy.png, report.md, and the final model.safetensors.
 *
 * <p>config.json has two objects: "settings", which a resumed run must repeat exactly, and
 * "runtime" (threads, workers, intervals, paths), which may change between invocations.
 */
public final class RunDirectory {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path root;

    public RunDirectory(Path root) { this.root = root; }

    public Path root() { return root; }

    public Path config() { return root.resolve("config.json"); }

    public Path metrics() { return root.resolve("metrics.jsonl"); }

    public Path plots() { return root.resolve("plots"); }

    public Path report() { return root.resolve("report.md"); }

    public Path finalModel() { return root.resolve("model.safetensors"); }

    public Path checkpoints() { return root.resolve("checkpoints"); }

    /** Whether an earlier run left its config here. */
    public boolean holdsRun() { return Files.isRegularFile(config()); }

    /**
     * Prepares the folder for a run: a fresh one (refused when the folder already holds a run and
     * {@code resume} is off), or a resumed one, whose stored settings must equal {@code settings}.
     */
    public void prepare(Map<String, Object> settings, Map<String, Object> runtime, boolean resume) {
        try {
            if (holdsRun()) {
                if (!resume) {
                    throw new IllegalArgumentException(root + " already holds a run (" + config().getFileName()
                            + "); pass --resume to continue it, or choose another --out");
                }
                requireSameSettings(settings);
            }
            Files.createDirectories(plots());
            writeJson(config(), Map.of("settings", settings, "runtime", runtime));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run folder " + root + ": " + e.getMessage(), e);
        }
    }

    private void requireSameSettings(Map<String, Object> settings) throws IOException {
        JsonNode then = JSON.readTree(config().toFile()).path("settings");
        JsonNode now = JSON.valueToTree(settings);
        List<String> diffs = new ArrayList<>();
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!now.get(k).equals(then.get(k))) diffs.add(k + ": stored " + then.get(k) + ", now " + now.get(k));
        }
        for (Iterator<String> it = then.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!now.has(k)) diffs.add(k + ": only in the stored run");
        }
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException("cannot resume " + root + ": the settings differ from the stored run ("
                    + String.join("; ", diffs) + "). Repeat the original options or choose another --out.");
        }
    }

    /** Writes {@code value} as indented JSON, atomically. */
    public static void writeJson(Path file, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }

    /** Writes text atomically (UTF-8). */
    public static void writeText(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, ch -> ch.write(ByteBuffer.wrap(bytes)));
    }
}
