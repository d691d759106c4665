package dev.loupe.nn.text;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The text tower against a torch re-implementation of open_clip's (nn.MultiheadAttention with CLIP's
 * causal mask, QuickGELU, LN eps 1e-5, EOT pooling), fixture made by tools/golden/make_clip_fixtures.py
 * (Debian python3-torch 1.13). Tolerance 1e-5 of each tensor's scale: both sides compute in float32
 * with different summation orders.
 */
class TextTransformerGoldenTest {
    private static final double RTOL = 1e-5;
    private static Map<String, Tensor> golden;

    @BeforeAll
    static void load() throws Exception {
        golden = SafeTensors.read(Path.of(TextTransformerGoldenTest.class
                .getResource("/golden/text_tower.safetensors")
                .toURI()));
    }

    private static TextTransformer tower() {
        TextTransformer t = new TextTransformer(new TextConfig(100, 16, 32, 2, 4, 24), new Rng(1));
        Map<String, Tensor> weights = new HashMap<>();
        golden.forEach((k, v) -> {
            if (k.startsWith("w.")) weights.put(k.substring(2), v);
        });
        t.loadStateDict(weights, true);
        return t;
    }

    @Test
    void namesAndShapesAreOpenClips() {
        Map<String, Tensor> state = new TextTransformer(new TextConfig(100, 16, 32, 2, 4, 24), new Rng(1)).stateDict();
        assertArrayEquals(
                new int[] {96, 32},
                state.get("transformer.resblocks.1.attn.in_proj_weight").sizes());
        assertArrayEquals(new int[] {32, 24}, state.get("text_projection").sizes());
        assertArrayEquals(new int[] {16, 32}, state.get("positional_embedding").sizes());
        assertArrayEquals(
                new int[] {128, 32},
                state.get("transformer.resblocks.0.mlp.c_fc.weight").sizes());
        long golden = TextTransformerGoldenTest.golden.keySet().stream()
                .filter(k -> k.startsWith("w."))
                .count();
        assertEquals(golden, state.size(), "one Loupe entry per open_clip entry");
    }

    @Test
    void forwardAndGradientsMatchTorch() {
        TextTransformer t = tower();
        Tensor ids = golden.get("ids");
        assertCloseToScale("tokens", golden.get("tokens"), t.textTokens(ids).data(), RTOL);
        Var out = t.encodeText(ids);
        assertCloseToScale("text embeddings", golden.get("out"), out.data(), RTOL);
        out.mul(Var.of(golden.get("r"))).sum().backward();
        Map<String, Var> p = t.namedParameters();
        for (String name : new String[] {
            "token_embedding.weight",
            "positional_embedding",
            "transformer.resblocks.0.attn.in_proj_weight",
            "text_projection"
        }) {
            assertCloseToScale(
                    "grad " + name, golden.get("grad." + name), p.get(name).grad(), RTOL);
        }
    }

    @Test
    void shorterSequencesUseTheLeadingPositionRowsAndCausalityIgnoresPadding() {
        TextTransformer t = tower();
        Tensor ids = golden.get("ids").narrow(0, 0, 1).contiguous(); // row 0: EOT at position 4
        Tensor cut = ids.narrow(1, 0, 8).contiguous();
        // causal attention: tokens up to EOT cannot see the padding after it, so cutting the padding changes nothing
        assertCloseToScale(
                "cut padding", t.encodeText(ids).data(), t.encodeText(cut).data(), RTOL);
    }

    @Test
    void rejectsIdsOutsideTheVocabularyOrContext() {
        TextTransformer t = tower();
        Tensor bad = Tensor.ofLongs(new long[] {98, 100, 99}, 1, 3);
        assertThrows(IllegalArgumentException.class, () -> t.encodeText(bad));
        assertThrows(
                IllegalArgumentException.class, () -> t.encodeText(Tensor.zeros(dev.loupe.tensor.DType.I64, 1, 17)));
        assertThrows(IllegalArgumentException.class, () -> t.encodeText(Tensor.zeros(1, 4)));
    }

    @Test
    void clipInitScales() {
        TextConfig c = new TextConfig(300, 16, 64, 4, 4, 32);
        TextTransformer t = new TextTransformer(c, new Rng(5));
        assertStd(0.02, t.tokenEmbedding.weight.data());
        assertStd(0.01, t.positionalEmbedding.data());
        assertStd(
                Math.pow(64, -0.5),
                t.transformer.blocks().get(0).attn.inProjWeight.data());
        assertStd(
                Math.pow(64, -0.5) * Math.pow(8, -0.5),
                t.transformer.blocks().get(1).attn.outProj.weight.data());
        assertStd(
                Math.pow(128, -0.5),
                t.transformer.blocks().get(2).mlp.cFc.weight.data());
        assertStd(
                Math.pow(64, -0.5) * Math.pow(8, -0.5),
                t.transformer.blocks().get(3).mlp.cProj.weight.data());
        assertStd(Math.pow(64, -0.5), t.textProjection.data());
    }

    private static void assertStd(double expected, Tensor t) {
        double[] v = t.toDoubleArray();
        double ss = 0;
        for (double x : v) ss += x * x;
        double std = Math.sqrt(ss / v.length);
        // >= 2048 draws: the sample std is within ~3% (1.5 sigma for n = 2048) of the true one; 10% is > 4 sigma
        assertEquals(expected, std, 0.1 * expected, "std of " + v.length + " draws");
    }
}
