package dev.loupe.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.text.ResidualAttentionBlock;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A block without layer scale or active drop path adds its residuals inside the output GEMMs
 * ({@link Attention#forwardResidual}, {@link Mlp#forwardResidual}); its output and every gradient must be
 * the bits of the written-out sums x + attn(norm1(x)) and x + mlp(norm2(x)), in training and in eval mode;
 * so must CLIP's block's ({@link ResidualAttentionBlock}), causal or not.
 */
class BlockResidualTest {
    private static final int B = 3, N = 7, D = 24;

    /** The block's sums spelled out with the unfused modules: x + attn(norm1(x)), then + mlp(norm2(.)). */
    private static Var unfused(Block blk, Var x) {
        Map<String, Var> p = blk.namedParameters();
        Var x1 = x.add(blk.attn.forward(blk.norm1.forward(x)));
        Var h = blk.norm2.forward(x1).reshape(-1, D);
        Var f = h.mlp(
                p.get("mlp.fc1.weight"),
                p.get("mlp.fc1.bias"),
                UnaryOp.GELU,
                p.get("mlp.fc2.weight"),
                p.get("mlp.fc2.bias"));
        return x1.add(f.reshape(B, N, D));
    }

    /** Output, then the input's and every parameter's gradient, after backward from seed. */
    private static List<float[]> run(Block blk, Tensor x0, Tensor seed, boolean fused) {
        blk.zeroGrad();
        Var x = Var.param(x0);
        Var y = fused ? blk.forward(x) : unfused(blk, x);
        y.backward(seed);
        List<float[]> out =
                new ArrayList<>(List.of(y.data().toFloatArray(), x.grad().toFloatArray()));
        for (Var v : blk.namedParameters().values()) out.add(v.grad().toFloatArray());
        return out;
    }

    @Test
    void fusedResidualsGiveTheBitsOfTheWrittenOutSums() {
        ViTConfig c = ViTConfig.of(12, 4, 2, D, 1, 3, 5);
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, B, N, D), seed = Tensor.randn(rng, B, N, D);
        for (boolean training : new boolean[] {true, false}) {
            Block blk = new Block(c, 0.0, new Rng(9));
            blk.train(training);
            List<float[]> want = run(blk, x, seed, false), got = run(blk, x, seed, true);
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++)
                assertArrayEquals(want.get(i), got.get(i), "training=" + training + " output/grad " + i);
            try (var off = GradMode.disable()) {
                assertArrayEquals(
                        unfused(blk, Var.of(x)).data().toFloatArray(),
                        blk.forward(Var.of(x)).data().toFloatArray(),
                        "no-grad, training=" + training);
            }
        }
    }

    @Test
    void clipBlockResidualsGiveTheBitsOfTheWrittenOutSums() {
        Rng rng = new Rng(5);
        Tensor x0 = Tensor.randn(rng, B, N, D), seed = Tensor.randn(rng, B, N, D);
        ResidualAttentionBlock blk = new ResidualAttentionBlock(D, 3, new Rng(11));
        for (boolean causal : new boolean[] {false, true}) {
            List<List<float[]>> runs = new ArrayList<>();
            for (boolean fused : new boolean[] {false, true}) {
                blk.zeroGrad();
                Var x = Var.param(x0);
                Var y;
                if (fused) {
                    y = blk.forward(x, causal);
                } else {
                    Var x1 = x.add(blk.attn.forward(blk.ln1.forward(x), causal));
                    y = x1.add(blk.mlp.forward(blk.ln2.forward(x1)));
                }
                y.backward(seed);
                List<float[]> out = new ArrayList<>(
                        List.of(y.data().toFloatArray(), x.grad().toFloatArray()));
                for (Var v : blk.namedParameters().values()) out.add(v.grad().toFloatArray());
                runs.add(out);
            }
            for (int i = 0; i < runs.get(0).size(); i++)
                assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), "causal=" + causal + " output/grad " + i);
        }
    }
}
