package dev.loupe.gpu.suite;

import static dev.loupe.gpu.suite.DeviceTwin.same;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.ScaledDotProductAttention;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Fused attention forward and backward (plain, causal, key padding mask, packed qkv views): the test device against the host backend. */
class DeviceAttentionTest {
    private static final int B = 2, H = 3, TQ = 7, TK = 9, D = 5, DV = 6;

    @Test
    void forwardAndBackwardAgree() {
        if (!TestDevice.ready("forwardAndBackwardAgree")) return;
        Rng rng = new Rng(31);
        // stored (B, T, H, D) and viewed (B, H, T, D), as a projection's output is
        Tensor q = DeviceTwin.randn(rng, B, TQ, H, D),
                k = DeviceTwin.randn(rng, B, TK, H, D),
                v = DeviceTwin.randn(rng, B, TK, H, DV);
        Tensor g = DeviceTwin.randn(rng, B, H, TQ, DV);
        // batch 1 masks every key after the fourth; batch 0 masks none
        byte[] maskBits = new byte[B * TK];
        for (int j = 4; j < TK; j++) maskBits[TK + j] = 1;
        Tensor mask = Tensor.of(new float[B * TK], B, TK).to(DType.BOOL);
        for (int i = 0; i < maskBits.length; i++) mask.setDouble(maskBits[i], i / TK, i % TK);
        for (boolean causal : new boolean[] {false, true}) {
            for (boolean masked : new boolean[] {false, true}) {
                String what = (causal ? "causal" : "full") + (masked ? ", key padding mask" : "");
                for (DType dtype : new DType[] {DType.F32, DType.F64}) {
                    for (int part = 0; part < 5; part++) {
                        int which = part;
                        same(
                                "attention " + what + " " + dtype + " part " + which,
                                t -> {
                                    Tensor qh = t[0].to(dtype).permute(0, 2, 1, 3),
                                            kh = t[1].to(dtype).permute(0, 2, 1, 3);
                                    Tensor vh = t[2].to(dtype).permute(0, 2, 1, 3);
                                    Tensor m = masked ? t[4] : null;
                                    double scale = ScaledDotProductAttention.defaultScale(qh);
                                    ScaledDotProductAttention.Result r =
                                            ScaledDotProductAttention.forward(qh, kh, vh, scale, causal, m);
                                    if (which == 0) return r.out();
                                    if (which == 1) return r.logsumexp();
                                    ScaledDotProductAttention.Grads grads = ScaledDotProductAttention.backward(
                                            qh, kh, vh, r.out(), t[3].to(dtype), r.logsumexp(), scale, causal, m);
                                    return which == 2 ? grads.dq() : which == 3 ? grads.dk() : grads.dv();
                                },
                                q,
                                k,
                                v,
                                g,
                                mask);
                    }
                }
            }
        }
    }

    @Test
    void packedSelfAttentionAndEmptyRows() {
        if (!TestDevice.ready("packedSelfAttentionAndEmptyRows")) return;
        Rng rng = new Rng(32);
        int n = 8;
        Tensor qkv = DeviceTwin.randn(rng, B, n, 3 * H * D), g = DeviceTwin.randn(rng, B, H, n, D);
        // batch 1 masks every key: its queries see nothing (out 0, zero gradients)
        Tensor mask = Tensor.of(new float[B * n], B, n).to(DType.BOOL);
        for (int j = 0; j < n; j++) mask.setDouble(1, 1, j);
        for (int part = 0; part < 2; part++) {
            int which = part;
            same(
                    "packed qkv part " + which,
                    t -> {
                        Tensor packed = t[0].view(B, n, 3, H, D);
                        ScaledDotProductAttention.Result r =
                                ScaledDotProductAttention.forwardPacked(packed, 0.4, false, t[2]);
                        if (which == 0) return r.out();
                        return ScaledDotProductAttention.backwardPacked(
                                packed, r.out(), t[1], r.logsumexp(), 0.4, false, t[2]);
                    },
                    qkv,
                    g,
                    mask);
        }
    }
}
