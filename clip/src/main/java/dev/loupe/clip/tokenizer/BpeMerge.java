package dev.loupe.clip.tokenizer;

/**
 * One BPE merge rule: the adjacent symbols {@code first second} become the symbol first+second.
 * Symbols are byte-unicode strings, the last one of a word carrying the {@code </w>} suffix.
 */
public record BpeMerge(String first, String second) {
    public BpeMerge {
        if (first.isEmpty() || second.isEmpty() || first.indexOf(' ') >= 0 || second.indexOf(' ') >= 0) {
            throw new IllegalArgumentException(
                    "BPE merge symbols must be non-empty and contain no space: '" + first + "' '" + second + "'");
        }
    }

    /** The merged symbol. */
    public String merged() {
        return first + second;
    }

    /** The line of a merges file: "first second". */
    public String line() {
        return first + " " + second;
    }
}
