package dev.loupe.nn.text;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Init;
import dev.loupe.nn.Linear;
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
     * x: (..., W) -> (..., W), as (R, W) in one op: QuickGELU in c_fc's GEMM output pass, its derivative in
     * the output pass of the GEMM that makes the hidden gradient (the values of {@link #quickGelu} between
     * two linears, without its four elementwise passes and their tensors).
     */
    public Var forward(Var x) {
        if (x.size(-1) != cFc.inFeatures())
            throw new IllegalArgumentException("QuickGeluMlp(" + cFc.inFeatures() + "): input "
                    + x.data().shape() + " has last dim " + x.size(-1));
        int[] s = x.sizes();
        Var y = x.reshape(-1, s[s.length - 1]).mlp(cFc.weight, cFc.bias, UnaryOp.QUICK_GELU, cProj.weight, cProj.bias);
        s[s.length - 1] = cProj.outFeatures();
        return y.reshape(s);
    }

    /** QuickGELU: x * sigmoid(1.702 x), the activation of OpenAI's CLIP towers. */
    public static Var quickGelu(Var x) {
        return x.mul(x.mul(1.702).sigmoid());
    }
}
