package dev.loupe.ssl.common;

import dev.loupe.nn.Module;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Child modules under numeric names 0, 1, ... as torch's nn.ModuleList / nn.Sequential, so parameter
 * names read {@code blocks.3.attn.qkv.weight} or {@code mlp.2.weight}.
 *
 * @param <M> the element type
 */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    /** Registers {@code m} under the next index and returns it. */
    public M add(M m) {
        child(Integer.toString(items.size()), m);
        items.add(m);
        return m;
    }

    /** Registers nothing at {@code index}'s slot: a parameter-free layer (GELU, ReLU) of a Sequential. */
    public void skipIndex() {
        items.add(null);
    }

    /** The registered modules in order (null at skipped, parameter-free slots). */
    public List<M> items() {
        return Collections.unmodifiableList(items);
    }
}
