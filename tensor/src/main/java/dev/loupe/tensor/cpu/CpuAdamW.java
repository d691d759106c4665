package dev.loupe.tensor.cpu;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One AdamW step in place, one pass over param, grad, exp_avg and exp_avg_sq (one shape, one floating
 * dtype, any strides), in torch.optim.AdamW's order of operations:
 * p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * denom = sqrt(v) / sqrt(bc2) + eps; p -= (lr / bc1) m / denom.
 * Coefficients are rounded to the tensor's dtype once, as a scalar operand of a torch op is. The vector
 * loop uses no fused multiply-add, so it gives the scalar twin's bits.
 */
final class CpuAdamW {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private CpuAdamW() {}

    /** lr, betas, eps, weight decay and both bias corrections (1 - beta^t). */
    record Hyper(double lr, double beta1, double beta2, double eps, double weightDecay, double bc1, double bc2) {}

    static void step(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Hyper h) {
        step(param, grad, expAvg, expAvgSq, h, KernelMode.SCALAR);
    }

    static void step(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Hyper h, boolean scalar) {
        for (Tensor t : new Tensor[] {grad, expAvg, expAvgSq}) {
            if (!param.dtype().isFloating()
                    || t.dtype() != param.dtype()
                    || !t.shape().equals(param.shape())) {
                throw new IllegalArgumentException("adamw_step: param " + param.shape() + " " + param.dtype()
                        + " and its grad / state " + t.shape() + " " + t.dtype() + " must be floating and match");
            }
        }
        StridedLoop loop = StridedLoop.of(param, grad, expAvg, expAvgSq);
        int sp = loop.innerStride(0), sg = loop.innerStride(1), sm = loop.innerStride(2), sv = loop.innerStride(3);
        if (param.dtype() == DType.F32) {
            float[] p = CpuElementwise.host(param).f32(),
                    g = CpuElementwise.host(grad).f32();
            float[] m = CpuElementwise.host(expAvg).f32(),
                    v = CpuElementwise.host(expAvgSq).f32();
            boolean vector = !scalar && sp == 1 && sg == 1 && sm == 1 && sv == 1;
            loop.forEachElement((base, n) -> {
                if (vector) runVector(p, base[0], g, base[1], m, base[2], v, base[3], n, h);
                else runScalar(p, base[0], sp, g, base[1], sg, m, base[2], sm, v, base[3], sv, n, h);
            });
        } else {
            double[] p = CpuElementwise.host(param).f64(),
                    g = CpuElementwise.host(grad).f64();
            double[] m = CpuElementwise.host(expAvg).f64(),
                    v = CpuElementwise.host(expAvgSq).f64();
            double decay = 1 - h.lr() * h.weightDecay(),
                    b1 = h.beta1(),
                    c1 = 1 - h.beta1(),
                    b2 = h.beta2(),
                    c2 = 1 - h.beta2();
            double sqrtBc2 = Math.sqrt(h.bc2()), stepSize = h.lr() / h.bc1(), eps = h.eps();
            loop.forEachElement((base, n) -> {
                for (int i = 0, a = base[0], b = base[1], c = base[2], d = base[3];
                        i < n;
                        i++, a += sp, b += sg, c += sm, d += sv) {
                    double gi = g[b];
                    double pi = p[a] * decay;
                    double mi = m[c] * b1 + gi * c1;
                    double vi = v[d] * b2 + gi * gi * c2;
                    m[c] = mi;
                    v[d] = vi;
                    p[a] = pi - mi / (Math.sqrt(vi) / sqrtBc2 + eps) * stepSize;
                }
            });
        }
    }

    private static void runScalar(
            float[] p,
            int pi,
            int sp,
            float[] g,
            int gi,
            int sg,
            float[] m,
            int mi,
            int sm,
            float[] v,
            int vi,
            int sv,
            int n,
            Hyper h) {
        float decay = (float) (1 - h.lr() * h.weightDecay()), b1 = (float) h.beta1(), c1 = (float) (1 - h.beta1());
        float b2 = (float) h.beta2(), c2 = (float) (1 - h.beta2()), eps = (float) h.eps();
        float sqrtBc2 = (float) Math.sqrt(h.bc2()), stepSize = (float) (h.lr() / h.bc1());
        for (int i = 0; i < n; i++, pi += sp, gi += sg, mi += sm, vi += sv) {
            float gr = g[gi];
            float pd = p[pi] * decay;
            float mn = m[mi] * b1 + gr * c1;
            float vn = v[vi] * b2 + gr * gr * c2;
            m[mi] = mn;
            v[vi] = vn;
            p[pi] = pd - mn / ((float) Math.sqrt(vn) / sqrtBc2 + eps) * stepSize;
        }
    }

    private static void runVector(
            float[] p, int pi, float[] g, int gi, float[] m, int mi, float[] v, int vi, int n, Hyper h) {
        float decay = (float) (1 - h.lr() * h.weightDecay()), b1 = (float) h.beta1(), c1 = (float) (1 - h.beta1());
        float b2 = (float) h.beta2(), c2 = (float) (1 - h.beta2()), eps = (float) h.eps();
        float sqrtBc2 = (float) Math.sqrt(h.bc2()), stepSize = (float) (h.lr() / h.bc1());
        int bound = SPECIES.loopBound(n), i = 0;
        for (; i < bound; i += L) {
            FloatVector gr = FloatVector.fromArray(SPECIES, g, gi + i);
            FloatVector pd = FloatVector.fromArray(SPECIES, p, pi + i).mul(decay);
            FloatVector mn = FloatVector.fromArray(SPECIES, m, mi + i).mul(b1).add(gr.mul(c1));
            FloatVector vn = FloatVector.fromArray(SPECIES, v, vi + i)
                    .mul(b2)
                    .add(gr.mul(gr).mul(c2));
            mn.intoArray(m, mi + i);
            vn.intoArray(v, vi + i);
            FloatVector denom = vn.sqrt().div(sqrtBc2).add(eps);
            pd.sub(mn.div(denom).mul(stepSize)).intoArray(p, pi + i);
        }
        if (i < n) { // the same arithmetic, masked, for the last n % L elements
            VectorMask<Float> k = SPECIES.indexInRange(i, n);
            FloatVector gr = FloatVector.fromArray(SPECIES, g, gi + i, k);
            FloatVector pd = FloatVector.fromArray(SPECIES, p, pi + i, k).mul(decay);
            FloatVector mn =
                    FloatVector.fromArray(SPECIES, m, mi + i, k).mul(b1).add(gr.mul(c1));
            FloatVector vn = FloatVector.fromArray(SPECIES, v, vi + i, k)
                    .mul(b2)
                    .add(gr.mul(gr).mul(c2));
            mn.intoArray(m, mi + i, k);
            vn.intoArray(v, vi + i, k);
            FloatVector denom = vn.sqrt().div(sqrtBc2).add(eps);
            pd.sub(mn.div(denom).mul(stepSize)).intoArray(p, pi + i, k);
        }
    }
}
