package dev.loupe.clip;

import dev.loupe.nn.text.TextConfig;
import dev.loupe.tensor.Finite;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CLIP (or SLIP) model's weights as an open_clip-named safetensors file. Shapes give every size but
 * the head counts, which {@link #write} stores in the metadata ("vision_heads", "text_heads"):
 * <ul>
 *   <li>visual.conv1.weight (W, 3, p, p): vision width W and patch p;</li>
 *   <li>visual.positional_embedding (g*g + 1, W): grid g, image side g * p;</li>
 *   <li>visual.transformer.resblocks.I.*: vision layers = largest I + 1 (every index below must be present);</li>
 *   <li>visual.proj (W, E): embedding size E;</li>
 *   <li>token_embedding.weight (V, Wt), positional_embedding (ctx, Wt), transformer.resblocks.I.*,
 *       text_projection (Wt, E): the text tower.</li>
 * </ul>
 * Without stored head counts (e.g. a released OpenAI/open_clip checkpoint converted to safetensors)
 * the heads default to open_clip's width / 64 unless given. SLIP's SimCLR head (image_mlp.*) is
 * not needed for evaluation and is dropped when reading.
 */
public final class ClipWeights {
    public static final String VISION_HEADS = "vision_heads", TEXT_HEADS = "text_heads";
    private static final String SLIP_HEAD = "image_mlp.";
    private static final Pattern VISION_BLOCK = Pattern.compile("^visual\\.transformer\\.resblocks\\.(\\d+)\\.");
    private static final Pattern TEXT_BLOCK = Pattern.compile("^transformer\\.resblocks\\.(\\d+)\\.");

    private ClipWeights() {}

    /** Writes every parameter of model (SLIP's head included) with the head counts in the metadata. */
    public static void write(Path file, ClipModel model) throws IOException {
        ClipConfig c = model.config();
        SafeTensors.write(
                file,
                model.stateDict(),
                Map.of(
                        "format",
                        "pt",
                        VISION_HEADS,
                        Integer.toString(c.vision().heads()),
                        TEXT_HEADS,
                        Integer.toString(c.text().heads())));
    }

    /** Builds the CLIP model the file describes and loads it; heads given here override the metadata. */
    public static ClipModel read(Path file, Integer visionHeads, Integer textHeads) throws IOException {
        Map<String, Tensor> state = new LinkedHashMap<>(SafeTensors.read(file));
        state.keySet().removeIf(k -> k.startsWith(SLIP_HEAD));
        Finite.requireAll(state, file); // NaN or infinite weights are refused here, naming the tensor and index
        Map<String, String> meta = SafeTensors.readMetadata(file);
        ClipConfig config = infer(
                file.toString(), state, heads(meta, VISION_HEADS, visionHeads), heads(meta, TEXT_HEADS, textHeads));
        ClipModel model = new ClipModel(config, new Rng(0));
        model.loadStateDict(state, true);
        return model;
    }

    /**
     * The configuration a state dict describes.
     *
     * @param visionHeads vision heads, or null for width / 64
     * @param textHeads   text heads, or null for width / 64
     */
    public static ClipConfig infer(String what, Map<String, Tensor> state, Integer visionHeads, Integer textHeads) {
        Tensor conv = require(what, state, "visual.conv1.weight", 4); // (W, 3, p, p)
        int width = conv.size(0), patch = conv.size(2);
        if (conv.size(1) != 3 || conv.size(3) != patch) throw bad(what, "visual.conv1.weight", conv, "(W, 3, p, p)");
        Tensor pos = require(what, state, "visual.positional_embedding", 2); // (g*g + 1, W)
        int grid = (int) Math.round(Math.sqrt(pos.size(0) - 1));
        if (grid * grid + 1 != pos.size(0) || pos.size(1) != width)
            throw bad(what, "visual.positional_embedding", pos, "(g*g + 1, " + width + ")");
        Tensor proj = require(what, state, "visual.proj", 2); // (W, E)
        if (proj.size(0) != width) throw bad(what, "visual.proj", proj, "(" + width + ", E)");
        int embed = proj.size(1);
        int visionLayers = layers(what, state, VISION_BLOCK, "visual.transformer.resblocks");

        Tensor tok = require(what, state, "token_embedding.weight", 2); // (V, Wt)
        int vocab = tok.size(0), textWidth = tok.size(1);
        Tensor tpos = require(what, state, "positional_embedding", 2); // (ctx, Wt)
        if (tpos.size(1) != textWidth) throw bad(what, "positional_embedding", tpos, "(ctx, " + textWidth + ")");
        Tensor tproj = require(what, state, "text_projection", 2); // (Wt, E)
        if (tproj.size(0) != textWidth || tproj.size(1) != embed)
            throw bad(what, "text_projection", tproj, "(" + textWidth + ", " + embed + ")");
        int textLayers = layers(what, state, TEXT_BLOCK, "transformer.resblocks");

        int vh = visionHeads != null ? visionHeads : defaultHeads(what, width, "vision");
        int th = textHeads != null ? textHeads : defaultHeads(what, textWidth, "text");
        return new ClipConfig(
                new ClipVisionConfig(grid * patch, patch, width, visionLayers, vh, embed),
                new TextConfig(vocab, tpos.size(0), textWidth, textLayers, th, embed));
    }

    private static Integer heads(Map<String, String> meta, String key, Integer given) {
        if (given != null) return given;
        String stored = meta.get(key);
        if (stored == null) return null;
        try {
            return Integer.parseInt(stored.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("safetensors metadata " + key + " is not an integer: '" + stored + "'");
        }
    }

    private static int defaultHeads(String what, int width, String tower) {
        if (width % 64 != 0) {
            throw new IllegalArgumentException(
                    what + " does not record the " + tower + " tower's attention heads and its width " + width
                            + " is not a multiple of 64; pass --" + tower + "-heads");
        }
        return width / 64;
    }

    private static int layers(String what, Map<String, Tensor> state, Pattern block, String prefix) {
        java.util.TreeSet<Integer> seen = new java.util.TreeSet<>();
        for (String k : state.keySet()) {
            Matcher m = block.matcher(k);
            if (m.find()) seen.add(Integer.parseInt(m.group(1)));
        }
        if (seen.isEmpty())
            throw new IllegalArgumentException(what + " has no " + prefix + ".N.* weights: not a CLIP checkpoint");
        int n = seen.last() + 1;
        if (seen.size() != n)
            throw new IllegalArgumentException(what + ": " + prefix + " indices " + seen + " are not 0.." + (n - 1));
        return n;
    }

    private static Tensor require(String what, Map<String, Tensor> state, String key, int rank) {
        Tensor t = state.get(key);
        if (t == null)
            throw new IllegalArgumentException(what + " has no '" + key + "': not an open_clip-named CLIP checkpoint");
        if (t.rank() != rank) throw bad(what, key, t, "rank " + rank);
        return t;
    }

    private static IllegalArgumentException bad(String what, String key, Tensor t, String expected) {
        return new IllegalArgumentException(what + ": '" + key + "' has shape " + t.shape() + ", expected " + expected);
    }
}
