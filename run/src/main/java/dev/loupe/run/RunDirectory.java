package dev.loupe.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.tensor.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    private static final ObjectMapper JSON_LINE = new ObjectMapper();
    private final Path root;

    public RunDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve("config.json");
    }

    public Path metrics() {
        return root.resolve("metrics.jsonl");
    }

    public Path plots() {
        return root.resolve("plots");
    }

    public Path report() {
        return root.resolve("report.md");
    }

    public Path finalModel() {
        return root.resolve("model.safetensors");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** Whether an earlier run left its config here. */
    public boolean holdsRun() {
        return Files.isRegularFile(config());
    }

    /** Refuses a fresh run ({@code resume} off) in a folder that already holds one. */
    public void requireFresh(boolean resume) {
        if (holdsRun() && !resume) {
            throw new IllegalArgumentException(root + " already holds a run (" + config().getFileName()
                    + "); pass --resume to continue it, or choose another --out");
        }
    }

    /**
     * Writes config.json: "settings" (what a resume must repeat; the trainer's checkpoints compare them)
     * and "runtime" (what may change between invocations); creates plots/.
     */
    public void writeConfig(Map<String, Object> settings, Map<String, Object> runtime) {
        try {
            Files.createDirectories(plots());
            Map<String, Object> json = new LinkedHashMap<>(); // settings first, in every run's file
            json.put("settings", settings);
            json.put("runtime", runtime);
            writeJson(config(), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config() + ": " + e.getMessage(), e);
        }
    }

    /** Each setting as its JSON text, for {@link dev.loupe.nn.train.Trainer#runSettings}. */
    public static Map<String, String> asText(Map<String, Object> settings) {
        Map<String, String> m = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            try {
                m.put(k, JSON_LINE.writeValueAsString(v));
            } catch (IOException e) {
                throw new UncheckedIOException("setting " + k + " cannot be written as JSON: " + e.getMessage(), e);
            }
        });
        return m;
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
