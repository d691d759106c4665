package dev.loupe.nn;

import dev.loupe.tensor.Finite;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import dev.loupe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A ViT's weights as a timm-named safetensors file: the one reader and writer of ViT weights (loadable
 * by timm by name). Shapes give most of the {@link ViTConfig}:
 * <ul>
 *   <li>cls_token (1, 1, D): the width D; reg_token (1, R, D): R register tokens;</li>
 *   <li>patch_embed.proj.weight (D, C, K, K): channels C and the patch kernel K; with a conv stem
 *       (patch_embed.stem.{i}.weight, s of them) the patch is 2^s and C is the first stem conv's input;</li>
 *   <li>pos_embed (1, 1 + g*g, D): the grid g, image side g * stride;</li>
 *   <li>blocks.{i}.*: the depth; blocks.0.attn.qkv.bias: qkv bias; blocks.0.mlp.w12.weight: SwiGLU, else
 *       blocks.0.mlp.fc1.weight (H, D): MLP ratio H / D; blocks.0.ls1.gamma: LayerScale;</li>
 *   <li>head.weight (K, D): K classes (none without it).</li>
 * </ul>
 * The metadata {@link #write} stores gives the rest: {@value #HEADS} (attention heads),
 * {@value #PATCH_STRIDE} (only for overlapping patches, where the stride is not the kernel),
 * {@value #POOL} "mean" (the head reads the mean patch token), {@value #LN_EPS} (only when not 1e-6),
 * {@value #LAYER_SCALE_INIT} (only with LayerScale), and, when the writer gives them, the input normalisation
 * {@value #IMAGE_MEAN} and {@value #IMAGE_STD} (comma-separated, one value per channel) that preprocessing
 * needs; a backbone copied by {@link #publish} also carries the linear probe it was measured with
 * ({@value #PROBE_FEATURES}, {@value #PROBE_TOP1}, {@value #PROBE}). A file without a head count (timm's own files, or
 * one written by {@code SafeTensors.write(file, vit.stateDict(), Map.of())}) gets timm's head width 64:
 * D / 64 heads, unless given.
 */
public final class VitWeights {
    public static final String HEADS = "heads";
    public static final String PATCH_STRIDE = "patch_stride";
    public static final String POOL = "pool";
    public static final String LN_EPS = "ln_eps";
    public static final String LAYER_SCALE_INIT = "layer_scale_init";
    public static final String IMAGE_MEAN = "image_mean";
    public static final String IMAGE_STD = "image_std";
    /** The linear-probe input a published backbone was measured with (lastN+mean, cls, ...): eval linear's default. */
    public static final String PROBE_FEATURES = "probe_features";
    /** The top-1 (%) of that probe, and which probe it was on what data. */
    public static final String PROBE_TOP1 = "probe_top1", PROBE = "probe";
    /** DINOv2's token for masked patches, kept under its backbone's prefix in a checkpoint. */
    private static final String MASK_TOKEN = "mask_token";
    /** The prefix of MAE's decoder parameters, beside its encoder's timm names. */
    private static final String DECODER = "decoder_";
    /** timm's attention head width, the head count's default for files that do not record it. */
    public static final int DEFAULT_HEAD_DIM = 64;

    private static final double DEFAULT_LN_EPS = 1e-6, DEFAULT_LAYER_SCALE = 1e-5;

    /**
     * The prefixes under which a training checkpoint ({@code runs/NAME/checkpoints/step-N/model.safetensors})
     * holds a backbone, in order of preference: the DINO/DINOv2 teacher (what DINO evaluates), the
     * student, the SimCLR and CLIP image tower {@code visual.}, BYOL's online encoder (what BYOL
     * evaluates), MoCo v3's base encoder (likewise) and VICReg's {@code backbone.}.
     */
    public static final List<String> BACKBONE_PREFIXES = List.of(
            "teacher.backbone.", "student.backbone.", "visual.", "online.backbone.", "base.backbone.", "backbone.");

    /**
     * What a caller sets instead of the file: a null field defers to the file's metadata.
     *
     * @param heads    attention heads
     * @param meanPool the pooling the head reads (true: mean patch token, false: CLS)
     */
    public record Overrides(Integer heads, Boolean meanPool) {
        public static final Overrides NONE = new Overrides(null, null);
    }

    private VitWeights() {}

    /** Writes model's state dict with timm names and the metadata of {@link #metadata}. */
    public static void write(Path file, VisionTransformer model) throws IOException {
        SafeTensors.write(file, model.stateDict(), metadata(model.config()));
    }

    /**
     * Writes model's state dict with timm names, the metadata of {@link #metadata} and the per-channel
     * normalisation its inputs were trained with (what preprocessing for the model needs).
     */
    public static void write(Path file, VisionTransformer model, float[] imageMean, float[] imageStd)
            throws IOException {
        int c = model.config().channels();
        if (imageMean.length != c || imageStd.length != c) {
            throw new IllegalArgumentException("image mean " + Arrays.toString(imageMean) + " and std "
                    + Arrays.toString(imageStd) + " need one value per channel of the model (" + c + ")");
        }
        Map<String, String> m = metadata(model.config());
        m.put(IMAGE_MEAN, join(imageMean));
        m.put(IMAGE_STD, join(imageStd));
        SafeTensors.write(file, model.stateDict(), m);
    }

    /**
     * The per-channel floats stored under key (such as {@value #IMAGE_MEAN}), or null when absent.
     *
     * @param what names the source in errors (a file name)
     */
    public static float[] floats(String what, Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        if (v == null) return null;
        String[] parts = v.split(",");
        float[] out = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) out[i] = Float.parseFloat(parts[i].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + ": safetensors metadata " + key + " is not a comma-separated list of numbers: '" + v + "'");
        }
        return out;
    }

    private static String join(float[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) sb.append(i == 0 ? "" : ",").append(values[i]);
        return sb.toString();
    }

    /**
     * Copies the backbone in {@code from} (a model or a training checkpoint) to {@code to} with from's
     * metadata and the record of a linear probe on it: the features it read ({@value #PROBE_FEATURES}, which
     * {@code loupe eval linear} then takes by default), its top-1 in percent and what probe it was on which
     * data ("sgd on fashion-mnist (60000 train, 10000 test)").
     */
    public static void publish(Path from, Path to, String probeFeatures, double probeTop1, String probe)
            throws IOException {
        publish(from, to, probeFeatures, probeTop1, probe, false);
    }

    /**
     * {@link #publish(Path, Path, String, double, String)}, with the F32 weights stored as F16 when
     * {@code half} ({@link SafeTensors#writeHalf}). The record must then come from a probe of the rounded
     * weights: probe a {@link #copyBackbone} with {@code half} and publish from that copy.
     */
    public static void publish(Path from, Path to, String probeFeatures, double probeTop1, String probe, boolean half)
            throws IOException {
        SafeTensorsFile source = SafeTensors.readFile(from);
        Map<String, String> m = new LinkedHashMap<>(source.metadata());
        m.put(PROBE_FEATURES, probeFeatures);
        m.put(PROBE_TOP1, String.format(Locale.ROOT, "%.2f", probeTop1));
        m.put(PROBE, probe);
        write(to, backbone(source.tensors(), from.toString()), m, half);
    }

    /**
     * Copies the backbone in {@code from} to {@code to} with from's metadata less any probe record (the
     * record describes other weights once they are rounded), its F32 weights stored as F16 when {@code half}.
     */
    public static void copyBackbone(Path from, Path to, boolean half) throws IOException {
        SafeTensorsFile source = SafeTensors.readFile(from);
        Map<String, String> m = new LinkedHashMap<>(source.metadata());
        for (String key : List.of(PROBE_FEATURES, PROBE_TOP1, PROBE)) m.remove(key);
        write(to, backbone(source.tensors(), from.toString()), m, half);
    }

    private static void write(Path to, Map<String, Tensor> state, Map<String, String> metadata, boolean half)
            throws IOException {
        if (half) SafeTensors.writeHalf(to, state, metadata);
        else SafeTensors.write(to, state, metadata);
    }

    /** The linear-probe features recorded in file's metadata by {@link #publish}, or null. */
    public static String probeFeatures(Path file) throws IOException {
        return SafeTensors.readMetadata(file).get(PROBE_FEATURES);
    }

    /** What shapes cannot tell about c, as safetensors metadata. */
    public static Map<String, String> metadata(ViTConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put(HEADS, Integer.toString(c.heads()));
        if (c.patchKernel() != c.patch()) m.put(PATCH_STRIDE, Integer.toString(c.patch()));
        if (c.meanPool()) m.put(POOL, "mean");
        if (c.lnEps() != DEFAULT_LN_EPS) m.put(LN_EPS, Double.toString(c.lnEps()));
        if (c.layerScaleInit() > 0) m.put(LAYER_SCALE_INIT, Double.toString(c.layerScaleInit()));
        return m;
    }

    /** The ViT the file describes, loaded, everything from the file. */
    public static VisionTransformer read(Path file) throws IOException {
        return read(file, Overrides.NONE);
    }

    /**
     * The ViT the file describes, loaded (in training mode, as a new module). A training checkpoint (no
     * top-level cls_token) gives its backbone, see {@link #BACKBONE_PREFIXES}.
     */
    public static VisionTransformer read(Path file, Overrides overrides) throws IOException {
        SafeTensorsFile source = SafeTensors.readFile(file);
        Map<String, Tensor> state = backbone(source.tensors(), file.toString());
        Finite.requireAll(state, file); // NaN or infinite weights are refused here, naming the tensor and index
        ViTConfig config = infer(file.toString(), state, source.metadata(), overrides);
        VisionTransformer model = new VisionTransformer(config, new Rng(0));
        model.loadStateDict(state, true);
        return model;
    }

    /**
     * A new ViT with source's weights, a head of {@code numClasses} outputs (none for 0) and drop path
     * {@code dropPath} (fine-tuning, frozen features): source's head is kept when it has that many
     * outputs, else the head is initialised from rng.
     */
    public static VisionTransformer withClasses(VisionTransformer source, int numClasses, double dropPath, Rng rng) {
        ViTConfig c = source.config().toBuilder()
                .numClasses(numClasses)
                .dropPath(dropPath, source.config().uniformDropPath())
                .build();
        VisionTransformer vit = new VisionTransformer(c, rng);
        var report = vit.loadStateDict(source.stateDict(), false);
        List<String> wrong = new ArrayList<>();
        for (Collection<String> names : List.of(report.missing(), report.unexpected(), report.shapeMismatches())) {
            names.stream().filter(n -> !n.startsWith("head.")).forEach(wrong::add);
        }
        if (!wrong.isEmpty()) throw new IllegalStateException("backbone copy: parameters that do not fit " + wrong);
        return vit;
    }

    /**
     * The timm ViT in a state dict: state itself when it is a plain timm ViT, else the tensors under the
     * first backbone prefix present, prefix removed; without the training-only parts that have no place
     * in the ViT (DINOv2's and MAE's mask_token, MAE's decoder_*), so an MAE checkpoint gives its encoder.
     */
    public static Map<String, Tensor> backbone(Map<String, Tensor> state, String what) {
        String prefix = state.containsKey("cls_token")
                ? ""
                : BACKBONE_PREFIXES.stream()
                        .filter(p -> state.containsKey(p + "cls_token"))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(what
                                + " holds no ViT: no cls_token, neither top-level nor under " + BACKBONE_PREFIXES));
        Map<String, Tensor> inner = new LinkedHashMap<>();
        state.forEach((name, t) -> {
            if (!name.startsWith(prefix)) return;
            String inside = name.substring(prefix.length());
            if (!inside.equals(MASK_TOKEN) && !inside.startsWith(DECODER)) inner.put(inside, t);
        });
        return inner;
    }

    /**
     * The configuration a timm-named state dict and its metadata describe.
     *
     * @param what names the source in errors (a file name)
     */
    public static ViTConfig infer(
            String what, Map<String, Tensor> state, Map<String, String> metadata, Overrides overrides) {
        Tensor cls = require(what, state, "cls_token", 3); // (1, 1, D)
        Tensor conv = require(what, state, "patch_embed.proj.weight", 4); // (D, C, K, K)
        Tensor pos = require(what, state, "pos_embed", 3); // (1, 1 + g*g, D)
        int dim = cls.size(-1), channels = conv.size(1), kernel = conv.size(2);
        Integer storedStride = integer(what, metadata, PATCH_STRIDE);
        int stride = storedStride != null ? storedStride : kernel;
        int stemStages = 0; // a conv stem: 3x3 stride-2 convs, then proj is a 1x1 conv
        while (state.containsKey("patch_embed.stem." + stemStages + ".weight")) stemStages++;
        if (stemStages > 0) {
            channels = require(what, state, "patch_embed.stem.0.weight", 4).size(1);
            stride = kernel = 1 << stemStages;
        }
        int tokens = pos.size(1) - 1;
        int grid = (int) Math.round(Math.sqrt(tokens));
        if (grid * grid != tokens) {
            throw new IllegalArgumentException(
                    what + ": pos_embed " + pos.shape() + " does not hold 1 + a square number of patch rows");
        }
        int depth = 0;
        while (state.containsKey("blocks." + depth + ".attn.qkv.weight")) depth++;
        if (depth == 0)
            throw new IllegalArgumentException(what + " has no blocks.0.attn.qkv.weight: not a timm-named ViT");
        boolean swiglu = state.containsKey("blocks.0.mlp.w12.weight");
        double mlpRatio = swiglu
                ? 4.0
                : (double) require(what, state, "blocks.0.mlp.fc1.weight", 2).size(0) / dim;
        Tensor reg = state.get("reg_token");
        Tensor head = state.get("head.weight");
        double layerScale = state.containsKey("blocks.0.ls1.gamma")
                ? decimal(what, metadata, LAYER_SCALE_INIT, DEFAULT_LAYER_SCALE)
                : 0.0;
        int heads = heads(what, metadata, overrides.heads(), dim);
        boolean meanPool = overrides.meanPool() != null ? overrides.meanPool() : "mean".equals(metadata.get(POOL));
        return ViTConfig.builder(grid * stride, stride, channels, dim, depth, heads)
                .patchKernel(kernel)
                .convStem(stemStages > 0)
                .mlpRatio(mlpRatio)
                .qkvBias(state.containsKey("blocks.0.attn.qkv.bias"))
                .layerScaleInit(layerScale)
                .registers(reg == null ? 0 : reg.size(1))
                .swiglu(swiglu)
                .meanPool(meanPool)
                .numClasses(head == null ? 0 : head.size(0))
                .lnEps(decimal(what, metadata, LN_EPS, DEFAULT_LN_EPS))
                .build();
    }

    private static int heads(String what, Map<String, String> metadata, Integer given, int dim) {
        Integer stored = integer(what, metadata, HEADS);
        int heads;
        if (given != null) {
            heads = given;
        } else if (stored != null) {
            heads = stored;
        } else {
            if (dim % DEFAULT_HEAD_DIM != 0) {
                throw new IllegalArgumentException(
                        what + " does not record the number of attention heads and its width " + dim
                                + " is not a multiple of " + DEFAULT_HEAD_DIM + "; pass --heads");
            }
            heads = dim / DEFAULT_HEAD_DIM;
        }
        if (heads < 1 || dim % heads != 0)
            throw new IllegalArgumentException(
                    "--heads " + heads + " does not divide the width " + dim + " of " + what);
        return heads;
    }

    private static Integer integer(String what, Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        if (v == null) return null;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + ": safetensors metadata " + key + " is not an integer: '" + v + "'");
        }
    }

    private static double decimal(String what, Map<String, String> metadata, String key, double absent) {
        String v = metadata.get(key);
        if (v == null) return absent;
        try {
            return Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + ": safetensors metadata " + key + " is not a number: '" + v + "'");
        }
    }

    private static Tensor require(String what, Map<String, Tensor> state, String name, int rank) {
        Tensor t = state.get(name);
        if (t == null) throw new IllegalArgumentException(what + " has no '" + name + "' (expected timm / DINO names)");
        if (t.rank() != rank) {
            throw new IllegalArgumentException(
                    what + ": '" + name + "' has shape " + t.shape() + ", expected rank " + rank);
        }
        return t;
    }
}
