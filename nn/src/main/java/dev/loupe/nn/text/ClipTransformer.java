package dev.loupe.nn.text;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A stack of {@link ResidualAttentionBlock}s named resblocks.0, resblocks.1, ... (CLIP's Transformer).
 * Shape: (B, N, W) -> (B, N, W).
 */
public final class ClipTransformer extends Module {
    private final List<ResidualAttentionBlock> blocks = new ArrayList<>();

    public ClipTransformer(int width, int layers, int heads, Rng rng) {
        Resblocks list = child("resblocks", new Resblocks());
        for (int i = 0; i < layers; i++) blocks.add(list.add(new ResidualAttentionBlock(width, heads, rng.split())));
    }

    /** The blocks in order. */
    public List<ResidualAttentionBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /** {@code causal}: every block masks attention to later tokens (text tower). */
    public Var forward(Var x, boolean causal) {
        for (ResidualAttentionBlock b : blocks) x = b.forward(x, causal);
        return x;
    }

    /** Holds the blocks under numeric names as torch's nn.ModuleList. */
    private static final class Resblocks extends Module {
        private int count;

        ResidualAttentionBlock add(ResidualAttentionBlock b) {
            return child(Integer.toString(count++), b);
        }
    }
}
