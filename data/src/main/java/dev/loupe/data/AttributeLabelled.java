package dev.loupe.data;

import java.util.List;

/**
 * A data set whose samples carry several categorical {@link Attribute}s (what attribute probes read).
 * Reading them must not need the image, so probes label thousands of samples without decoding any.
 */
public interface AttributeLabelled extends Dataset {
    /** The attributes, in the order {@link #attributeValues} lists them. */
    List<Attribute> attributes();

    /** Value indices of sample index, aligned with {@link #attributes()}; {@link Sample#NO_LABEL} where the sample lacks one. */
    int[] attributeValues(int index);

    /** The position of the attribute called name in {@link #attributes()}. */
    default int attributeIndex(String name) {
        List<Attribute> all = attributes();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equals(name)) return i;
        }
        throw new IllegalArgumentException(name() + " has no attribute '" + name + "' (has: "
                + String.join(", ", all.stream().map(Attribute::name).toList()) + ")");
    }
}
