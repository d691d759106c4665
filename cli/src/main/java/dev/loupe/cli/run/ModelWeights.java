package dev.loupe.cli.run;

import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitShapes;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ViT's final weights as a timm-named safetensors file (loadable by {@code loupe features} and
 * timm), with what shapes cannot tell in the metadata: the head count ("heads"), for overlapping
 * patches the patch embedding's stride ("patch_stride"), and for mean pooling "pool": "mean" (the head
 * was trained on the mean patch token, so it must be read with it).
 */
public final class ModelWeights {
    public static final String HEADS = "heads";
    public static final String PATCH_STRIDE = "patch_stride";
    public static final String POOL = "pool";

    private ModelWeights() {}

    public static void write(Path file, VisionTransformer model) throws IOException {
        ViTConfig c = model.config();
        Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt", HEADS, Integer.toString(c.heads())));
        if (c.patchKernel() != c.patch()) metadata.put(PATCH_STRIDE, Integer.toString(c.patch()));
        if (c.meanPool()) metadata.put(POOL, "mean");
        SafeTensors.write(file, model.stateDict(), metadata);
    }

    /**
     * The prefixes under which a training checkpoint ({@code runs/NAME/checkpoints/step-N/model.safetensors})
     * holds the backbone, in order of preference: the DINO/DINOv2 teacher (what DINO evaluates), the
     * student, the SimCLR and CLIP image tower {@code visual.}.
     */
    static final List<String> CHECKPOINT_PREFIXES = List.of("teacher.backbone.", "student.backbone.", "visual.");

    /**
     * Builds the ViT the file describes; {@code heads} overrides (or stands in for) the metadata's count.
     * A training checkpoint (no top-level {@code cls_token}) gives its backbone, see {@link #CHECKPOINT_PREFIXES}.
     */
    public static VisionTransformer read(Path file, Integer heads) throws IOException {
        return read(file, heads, null);
    }

    /** As {@link #read(Path, Integer)}; {@code meanPool} overrides (or stands in for) the metadata's pooling when not null. */
    public static VisionTransformer read(Path file, Integer heads, Boolean meanPool) throws IOException {
        Map<String, Tensor> state = backbone(SafeTensors.read(file), file);
        Map<String, String> metadata = SafeTensors.readMetadata(file);
        int h;
        if (heads != null) {
            h = heads;
        } else {
            String stored = metadata.get(HEADS);
            if (stored == null) throw new IllegalArgumentException(file + " does not record the number of attention heads; pass --heads");
            h = Integer.parseInt(stored);
        }
        String stride = metadata.get(PATCH_STRIDE);
        ViTConfig config = VitShapes.infer(state, h, stride == null ? null : Integer.valueOf(stride))
                .withMeanPool(meanPool != null ? meanPool : "mean".equals(metadata.get(POOL)));
        VisionTransformer model = new VisionTransformer(config, new Rng(0));
        model.loadStateDict(state, true);
        return model;
    }

    /** state itself when it is a plain timm ViT, else the tensors under the first checkpoint prefix present, prefix removed. */
    static Map<String, Tensor> backbone(Map<String, Tensor> state, Path file) {
        if (state.containsKey("cls_token")) return state;
        for (String prefix : CHECKPOINT_PREFIXES) {
            if (!state.containsKey(prefix + "cls_token")) continue;
            Map<String, Tensor> inner = new LinkedHashMap<>();
            state.forEach((name, t) -> {
                if (name.startsWith(prefix)) inner.put(name.substring(prefix.length()), t);
            });
            return inner;
        }
        throw new IllegalArgumentException(file + " holds no ViT: no cls_token, neither top-level nor under " + CHECKPOINT_PREFIXES);
    }
}
