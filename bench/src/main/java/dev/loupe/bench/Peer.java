package dev.loupe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a peer script (numpy / PyTorch, under ../shared/anchors/) in the same invocation as Loupe's
 * measurement, so ratios compare runs on the same machine state. The script prints one JSON object
 * per line.
 */
public final class Peer {
    private Peer() {}

    /** The anchor folder: -Dloupe.anchors, else ../shared/anchors beside the Loupe checkout (-Dloupe.home). */
    public static Path anchor(String script) {
        String dir = System.getProperty("loupe.anchors");
        Path base = dir != null
                ? Path.of(dir)
                : Path.of(System.getProperty("loupe.home", "."))
                        .toAbsolutePath()
                        .normalize()
                        .resolve("../shared/anchors")
                        .normalize();
        Path p = base.resolve(script);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(
                    "peer script " + p + " not found; point -Dloupe.anchors at the folder holding " + script);
        }
        return p;
    }

    /** Runs {@code /usr/bin/python3 script args...} with extra environment; returns its JSON lines. */
    public static List<JsonNode> run(Path script, List<String> args, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(python(), script.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        StringBuilder other = new StringBuilder();
        try {
            Process p = pb.start();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("{")) out.add(json.readTree(line));
                    else other.append(line).append('\n');
                }
            }
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("peer " + String.join(" ", cmd) + " exited with " + code + ":\n" + other
                        + "(the peers need Debian's python3-numpy, python3-torch and libopenblas0-pthread)");
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "could not run the peer " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the peer", e);
        }
        return out;
    }

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
