package dev.loupe.gpu.suite;

import static dev.loupe.gpu.suite.DeviceTwin.same;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Fused;
import dev.loupe.tensor.Normalization;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Reductions, arg-reductions, softmax and layer norm with their backward passes: the test device against the host backend. */
class DeviceRowsTest {
    @Test
    void reductionsOverDimSets() {
        if (!TestDevice.ready("reductionsOverDimSets")) return;
        Rng rng = new Rng(11);
        Tensor x = DeviceTwin.randn(rng, 5, 9, 7, 3);
        int[][] dimSets = {{}, {0}, {1}, {3}, {0, 2}, {1, 3}, {0, 1, 2, 3}};
        for (int[] dims : dimSets) {
            String d = java.util.Arrays.toString(dims);
            same("sum " + d + " (permuted view)", t -> t[0].permute(2, 0, 3, 1).sum(false, dims), x);
            same(
                    "mean " + d + " keepdim (sliced view)",
                    t -> t[0].slice(1, 1, 9, 2).mean(true, dims),
                    x);
            same("max " + d, t -> t[0].transpose(1, 3).max(false, dims), x);
            same("min " + d + " F64", t -> t[0].to(DType.F64).min(false, dims), x);
            same("sum " + d + " I64", t -> t[0].mul(10).to(DType.I64).sum(false, dims), x);
            same("max " + d + " I32", t -> t[0].mul(10).to(DType.I32).max(true, dims), x);
        }
        same(
                "sum of a broadcast view",
                t -> t[0].narrow(0, 1, 1).expand(6, 9, 7, 3).sum(false, 0, 2),
                x);
        same("var (composite of device ops)", t -> t[0].var(1, false, 1), x);
    }

    @Test
    void argmaxAndArgmin() {
        if (!TestDevice.ready("argmaxAndArgmin")) return;
        Rng rng = new Rng(12);
        Tensor x = DeviceTwin.randn(rng, 6, 13, 5);
        for (int dim = 0; dim < 3; dim++) {
            int d = dim;
            same("argmax dim " + d, t -> t[0].transpose(0, 2).argmax(d, false), x);
            same("argmin dim " + d + " keepdim", t -> t[0].argmin(d, true), x);
        }
        Tensor ties = Tensor.of(new float[] {1, 3, 3, 0, Float.NaN, 2, 2, Float.NaN, 1}, 3, 3);
        same("first extreme wins, NaN counts as the extreme", t -> t[0].argmax(1, false), ties);
        same("argmin with ties and NaN", t -> t[0].argmin(1, false), ties);
        same("argmax of integers", t -> t[0].mul(3).to(DType.I64).argmax(1, false), x);
    }

    @Test
    void softmaxAlongEachDim() {
        if (!TestDevice.ready("softmaxAlongEachDim")) return;
        Rng rng = new Rng(13);
        Tensor x = DeviceTwin.randn(rng, 4, 11, 6).mul(3), g = DeviceTwin.randn(rng, 6, 11, 4);
        for (int dim = 0; dim < 3; dim++) {
            int d = dim;
            same(
                    "softmax dim " + d + " (transposed view)",
                    t -> t[0].transpose(0, 2).softmax(d),
                    x);
            same("log_softmax dim " + d, t -> t[0].logSoftmax(d), x);
            same("log_softmax dim " + d + " F64", t -> t[0].to(DType.F64).logSoftmax(d), x);
            same(
                    "softmax backward dim " + d,
                    t -> Fused.softmaxBackward(t[0].softmax(d), t[1].transpose(0, 2), d),
                    x,
                    g);
            same(
                    "log_softmax backward dim " + d,
                    t -> Fused.logSoftmaxBackward(t[0].logSoftmax(d), t[1].transpose(0, 2), d),
                    x,
                    g);
        }
    }

    @Test
    void layerNormForwardAndBackward() {
        if (!TestDevice.ready("layerNormForwardAndBackward")) return;
        Rng rng = new Rng(14);
        Tensor x = DeviceTwin.randn(rng, 3, 7, 19).mul(2).add(1), g = DeviceTwin.randn(rng, 3, 7, 19);
        Tensor w = DeviceTwin.randn(rng, 19), b = DeviceTwin.randn(rng, 19);
        same("layer_norm affine", t -> t[0].layerNorm(t[1], t[2], 1e-5), x, w, b);
        same("layer_norm plain, transposed rows", t -> t[0].transpose(0, 1).layerNorm(null, null, 1e-5), x);
        same(
                "layer_norm of a column slice (row stride 19, D = 15)",
                t -> t[0].narrow(2, 2, 15).layerNorm(t[1].narrow(0, 0, 15), null, 1e-5),
                x,
                w);
        same(
                "layer_norm backward of a column slice",
                t -> {
                    Tensor xs = t[0].narrow(2, 2, 15), ws = t[2].narrow(0, 1, 15);
                    Normalization.LayerNormResult r = Normalization.layerNorm(xs, ws, null, 1e-5);
                    return Fused.layerNormBackward(xs, ws, r.mean(), r.rstd(), t[1].narrow(2, 0, 15), true, false)
                            .dweight();
                },
                x,
                g,
                w);
        same(
                "layer_norm mean",
                t -> Normalization.layerNorm(t[0], t[1], t[2], 1e-5).mean(),
                x,
                w,
                b);
        same(
                "layer_norm rstd F64",
                t -> Normalization.layerNorm(t[0].to(DType.F64), null, null, 1e-6)
                        .rstd(),
                x);
        for (int part = 0; part < 3; part++) {
            int which = part;
            same(
                    "layer_norm backward part " + which + " (transposed rows)",
                    t -> {
                        Tensor xt = t[0].transpose(0, 1), gt = t[1].transpose(0, 1);
                        Normalization.LayerNormResult r = Normalization.layerNorm(xt, t[2], t[3], 1e-5);
                        Fused.LayerNormGrads grads =
                                Fused.layerNormBackward(xt, t[2], r.mean(), r.rstd(), gt, true, true);
                        return which == 0 ? grads.dx() : which == 1 ? grads.dweight() : grads.dbias();
                    },
                    x,
                    g,
                    w,
                    b);
        }
        same(
                "layer_norm backward without weight",
                t -> {
                    Normalization.LayerNormResult r = Normalization.layerNorm(t[0], null, null, 1e-5);
                    return Fused.layerNormBackward(t[0], null, r.mean(), r.rstd(), t[1], false, false)
                            .dx();
                },
                x,
                g);
    }
}
