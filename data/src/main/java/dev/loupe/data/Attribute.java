package dev.loupe.data;

import java.util.List;

/**
 * A categorical property a sample is labelled with besides its class ("colour", "count").
 *
 * @param name   short name for reports
 * @param values value names in index order
 */
public record Attribute(String name, List<String> values) {
    public Attribute {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("an attribute needs a name");
        if (values.size() < 2)
            throw new IllegalArgumentException("attribute " + name + " needs at least 2 values, got " + values);
        values = List.copyOf(values);
    }

    public int size() {
        return values.size();
    }
}
