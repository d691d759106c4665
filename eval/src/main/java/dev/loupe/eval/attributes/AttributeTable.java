package dev.loupe.eval.attributes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The results of the attribute probes of one representation, in the order they ran. */
public record AttributeTable(String representation, List<ProbeResult> rows) {
    public AttributeTable {
        rows = List.copyOf(rows);
    }

    /** The row of (method, attribute, split), if it ran. */
    public Optional<ProbeResult> find(String method, String attribute, String split) {
        return rows.stream()
                .filter(r -> r.method().equals(method)
                        && r.attribute().equals(attribute)
                        && r.split().equals(split))
                .findFirst();
    }

    /** The row of (method, attribute, split), or an error naming it. */
    public ProbeResult get(String method, String attribute, String split) {
        return find(method, attribute, split)
                .orElseThrow(() -> new IllegalArgumentException("no " + method + " probe of " + attribute + " on "
                        + split + " in the table of " + representation));
    }

    /** The same table with the rows of other appended. */
    public AttributeTable plus(List<ProbeResult> more) {
        List<ProbeResult> all = new ArrayList<>(rows);
        all.addAll(more);
        return new AttributeTable(representation, all);
    }

    /** A markdown table: method, attribute, split, accuracy %, chance %, train and test sizes. */
    public String markdown() {
        StringBuilder sb =
                new StringBuilder("| method | attribute | split | accuracy % | chance % | fitted on | tested on |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|\n");
        for (ProbeResult r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %.1f | %.1f | %d | %d |%n",
                    r.method(),
                    r.attribute(),
                    r.split(),
                    100 * r.accuracy(),
                    100 * r.chance(),
                    r.trainSize(),
                    r.testSize()));
        }
        return sb.toString();
    }

    /** The table as JSON-ready maps: {"representation": ..., "rows": [{method, attribute, split, accuracy, ...}]}. */
    public Map<String, Object> json() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ProbeResult r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", r.method());
            m.put("attribute", r.attribute());
            m.put("split", r.split());
            m.put("accuracy", r.accuracy());
            m.put("chance", r.chance());
            m.put("train", r.trainSize());
            m.put("test", r.testSize());
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("representation", representation);
        out.put("rows", list);
        return out;
    }

    /** Reads a table {@link #json()} wrote (attributes.json of {@code loupe eval attributes}). */
    public static AttributeTable read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        JsonNode rows = root.get("rows");
        if (root.get("representation") == null || rows == null || !rows.isArray()) {
            throw new IOException(file + ": not an attribute table (expected \"representation\" and a \"rows\" array)");
        }
        List<ProbeResult> out = new ArrayList<>();
        for (JsonNode r : rows) {
            out.add(new ProbeResult(
                    r.path("method").asText(),
                    r.path("attribute").asText(),
                    r.path("split").asText(),
                    r.path("accuracy").asDouble(),
                    r.path("chance").asDouble(),
                    r.path("train").asInt(),
                    r.path("test").asInt()));
        }
        return new AttributeTable(root.get("representation").asText(), out);
    }
}
