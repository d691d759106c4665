package dev.loupe.cli.run;

import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitShapes;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A ViT's final weights as a timm-named safetensors file (loadable by {@code loupe features} and
 * timm), with the head count, which shapes cannot tell, in the metadata ("heads").
 */
public final class ModelWeights {
    public static final String HEADS = "heads";

    private ModelWeights() {}

    public static void write(Path file, VisionTransformer model) throws IOException {
        SafeTensors.write(file, model.stateDict(), Map.of("format", "pt", HEADS, Integer.toString(model.config().heads())));
    }

    /** Builds the ViT the file describes; {@code heads} overrides (or stands in for) the metadata's count. */
    public static VisionTransformer read(Path file, Integer heads) throws IOException {
        Map<String, Tensor> state = SafeTensors.read(file);
        int h;
        if (heads != null) {
            h = heads;
        } else {
            String stored = SafeTensors.readMetadata(file).get(HEADS);
            if (stored == null) throw new IllegalArgumentException(file + " does not record the number of attention heads; pass --heads");
            h = Integer.parseInt(stored);
        }
        ViTConfig config = VitShapes.infer(state, h);
        VisionTransformer model = new VisionTransformer(config, new Rng(0));
        model.loadStateDict(state, true);
        return model;
    }
}
