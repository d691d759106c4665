package dev.loupe.nn.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Layer-wise lr decay groups (MAE param_groups_lrd, DINOv2 patch-embed multiplier) on a real ViT. */
class LayerwiseDecayTest {
    private static final int DEPTH = 2;
    private static final double DECAY = 0.75;

    /** A depth-2 ViT with one register token so every layer-0 name occurs. */
    private static VisionTransformer vit() {
        ViTConfig c = new ViTConfig(8, 4, 1, 16, DEPTH, 2, 4.0, true, 0.0, false, 0.0, 1, false, false, 3, 1e-6);
        return new VisionTransformer(c, new Rng(7));
    }

    private static Map<String, ParamGroup> byParam(List<ParamGroup> groups) {
        Map<String, ParamGroup> out = new HashMap<>();
        for (ParamGroup g : groups)
            g.params().keySet().forEach(k -> assertNull(out.put(k, g), k + " is in two groups"));
        return out;
    }

    @Test
    void everyParameterGetsItsLayersScaleAndDecayFlag() {
        VisionTransformer m = vit();
        Map<String, Var> named = m.namedParameters();
        Map<String, ParamGroup> of = byParam(ParamGroup.layerwiseDecay(named, DEPTH, DECAY, 0.2));
        assertEquals(named.keySet(), of.keySet());
        named.forEach((name, p) -> {
            int id = name.startsWith("blocks.")
                    ? Integer.parseInt(name.split("\\.")[1]) + 1
                    : Set.of("cls_token", "pos_embed", "reg_token").contains(name) || name.startsWith("patch_embed.")
                            ? 0
                            : DEPTH + 1;
            double scale = Math.pow(DECAY, DEPTH + 1 - id) * (name.startsWith("patch_embed.") ? 0.2 : 1.0);
            ParamGroup g = of.get(name);
            assertEquals(scale, g.lrScale(), 1e-15, name);
            assertEquals(!name.endsWith(".bias") && p.rank() > 1, g.weightDecay(), name);
            String expected = "layer_" + id + (g.weightDecay() ? "_decay" : "_no_decay")
                    + (name.startsWith("patch_embed.") ? "_patch_embed" : "");
            assertEquals(expected, g.name(), name);
        });
    }

    @Test
    void spotChecksAgainstHandDerivedGroups() {
        Map<String, ParamGroup> of = byParam(ParamGroup.layerwiseDecay(vit().namedParameters(), DEPTH, DECAY, 0.2));
        assertEquals("layer_0_decay", of.get("cls_token").name());
        assertEquals(0.421875, of.get("pos_embed").lrScale(), 1e-15); // 0.75^3
        assertEquals(0.421875, of.get("reg_token").lrScale(), 1e-15);
        assertEquals(
                "layer_0_decay_patch_embed", of.get("patch_embed.proj.weight").name());
        assertEquals(0.084375, of.get("patch_embed.proj.weight").lrScale(), 1e-15); // 0.75^3 x 0.2
        assertEquals(
                "layer_0_no_decay_patch_embed", of.get("patch_embed.proj.bias").name());
        assertEquals("layer_1_no_decay", of.get("blocks.0.norm1.weight").name());
        assertEquals(0.5625, of.get("blocks.0.attn.qkv.weight").lrScale(), 1e-15); // 0.75^2
        assertEquals("layer_2_decay", of.get("blocks.1.mlp.fc2.weight").name());
        assertEquals(0.75, of.get("blocks.1.mlp.fc2.weight").lrScale(), 1e-15);
        assertEquals("layer_3_decay", of.get("head.weight").name());
        assertEquals(1.0, of.get("head.weight").lrScale());
        assertEquals("layer_3_no_decay", of.get("norm.weight").name());
    }

    @Test
    void withoutThePatchEmbedMultiplierPatchEmbedJoinsLayerZero() {
        Map<String, ParamGroup> of = byParam(ParamGroup.layerwiseDecay(vit().namedParameters(), DEPTH, DECAY, 1.0));
        assertSame(of.get("cls_token"), of.get("patch_embed.proj.weight"));
        assertEquals(0.421875, of.get("patch_embed.proj.weight").lrScale(), 1e-15);
    }

    @Test
    void optimizerAppliesTheGroupScale() {
        VisionTransformer m = vit();
        Map<String, Var> named = m.namedParameters();
        List<ParamGroup> groups = ParamGroup.layerwiseDecay(named, DEPTH, DECAY, 0.2);
        Map<String, Tensor> before = new HashMap<>();
        named.forEach((k, p) -> {
            before.put(k, p.data().copy());
            p.setGrad(Tensor.ones(p.sizes()));
        });
        new Sgd(groups, 0.1, 0, false, 0).step();
        Map<String, ParamGroup> of = byParam(groups);
        for (String k : List.of("patch_embed.proj.weight", "cls_token", "blocks.0.attn.proj.weight", "head.bias")) {
            // float32 p - lr: within a few ulps of |p| <= 1 (1e-7), while the scales differ by >= 0.1 x lr
            double moved = before.get(k).sub(named.get(k).data()).reshape(-1).getDouble(0);
            assertEquals(0.1 * of.get(k).lrScale(), moved, 1e-7, k);
        }
    }

    @Test
    void layerIdsOfEmbeddingsBlocksAndTheRest() {
        assertEquals(0, ParamGroup.vitLayerId("mask_token", 12));
        assertEquals(0, ParamGroup.vitLayerId("reg_token", 12));
        assertEquals(12, ParamGroup.vitLayerId("blocks.11.mlp.fc1.weight", 12));
        assertEquals(13, ParamGroup.vitLayerId("fc_norm.weight", 12));
        var e = assertThrows(
                IllegalArgumentException.class, () -> ParamGroup.vitLayerId("blocks.12.attn.qkv.weight", 12));
        assertTrue(e.getMessage().contains("blocks.12.attn.qkv.weight"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParamGroup.vitLayerId("blocks.x.norm1.weight", 12));
    }
}
