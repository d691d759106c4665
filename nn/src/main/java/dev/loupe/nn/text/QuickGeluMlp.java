package dev.loupe.nn.text;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Init;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Mlp;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.UnaryOp;

/**
 * CLIP's block MLP: c_fc (W -> hidden), QuickGELU x * sigmoid(1.702 x), c_proj (hidden -> W).
 * Init as torch.nn.Linear: weight and bias uniform(+-fan_in^-0.5).
 */
public final class QuickGeluMlp extends Module {
    public final Linear cFc, cProj;

    public QuickGeluMlp(int width, int hidden, Rng rng) {
        cFc = child("c_fc", new Linear(width, hidden, true, rng));
        cProj = child("c_proj", new Linear(hidden, width, true, rng));
        for (Linear l : new Linear[] {cFc, cProj}) {
            double bound = 1 / Math.sqrt(l.inFeatures());
            Init.uniform(l.weight, bound, rng);
            Init.uniform(l.bias, bound, rng);
        }
    }

    /**
     * x: (..., W) -> (..., W) in one op ({@link Mlp#forward(Var, Linear, UnaryOp, Linear, String)}): the values of
     * {@link #quickGelu} between the two linears, without its four elementwise passes and their tensors.
     */
    public Var forward(Var x) {
        return Mlp.forward(x, cFc, UnaryOp.QUICK_GELU, cProj, "QuickGeluMlp");
    }

    /** residual + forward(x), the residual added to c_proj's GEMM blocks in cache ({@link Mlp#forwardResidual}). */
    public Var forwardResidual(Var x, Var residual) {
        return Mlp.forwardResidual(x, cFc, UnaryOp.QUICK_GELU, cProj, "QuickGeluMlp", residual);
    }

    /** QuickGELU: x * sigmoid(1.702 x), the activation of OpenAI's CLIP towers. */
    public static Var quickGelu(Var x) {
        return x.mul(x.mul(1.702).sigmoid());
    }
}
