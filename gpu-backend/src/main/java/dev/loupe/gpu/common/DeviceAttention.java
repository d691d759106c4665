package dev.loupe.gpu.common;

import dev.loupe.tensor.Tensor;

/**
 * Fused scaled dot-product attention (attention.cl): the forward keeps a running max and sum per query
 * row and writes the logsumexp; the backward recomputes probabilities from it, one work-item per query
 * row for dq and per key row for dk and dv, so no (Tq, Tk) tensor is stored and no sum races.
 */
final class DeviceAttention {
    private final KernelDevice device;

    DeviceAttention(KernelDevice device) {
        this.device = device;
    }

    private KernelCall call(Tensor q, String kernel) {
        return new KernelCall(device, KernelSource.of("attention.cl", q.dtype()), kernel);
    }

    private static KernelCall exact(KernelCall c, Tensor t) {
        return c.buffer(t).layout(KernelLayout.exact(t));
    }

    private static KernelCall mask(KernelCall c, Tensor mask) {
        return c.buffer(mask)
                .layout(mask == null ? KernelLayout.of(new int[0], new int[0], 0) : KernelLayout.exact(mask))
                .flag(mask != null);
    }

    void forward(Tensor q, Tensor k, Tensor v, double scale, boolean causal, Tensor mask, Tensor out, Tensor lse) {
        int b = q.size(0), h = q.size(1), tq = q.size(2), tk = k.size(2);
        KernelCall c = call(q, "attention_forward");
        exact(exact(exact(c, q), k), v);
        mask(c, mask)
                .flag(causal)
                .scalar(scale)
                .i32(h)
                .i32(tq)
                .i32(tk)
                .i32(q.size(3))
                .i32(v.size(3));
        exact(c, out)
                .buffer(lse)
                .layout(lse == null ? KernelLayout.of(new int[0], new int[0], 0) : KernelLayout.exact(lse))
                .flag(lse != null)
                .run(b * h * tq);
    }

    void backward(
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor out,
            Tensor gradOut,
            Tensor lse,
            double scale,
            boolean causal,
            Tensor mask,
            Tensor dq,
            Tensor dk,
            Tensor dv) {
        int b = q.size(0), h = q.size(1), tq = q.size(2), tk = k.size(2), d = q.size(3), dvDim = v.size(3);
        DeviceStorage delta = device.allocate(q.dtype(), b * h * tq);
        KernelCall c = call(q, "attention_backward_delta");
        exact(exact(c, out), gradOut).i32(h).i32(tq).i32(dvDim).buffer(delta).run(b * h * tq);

        c = call(q, "attention_backward_dq");
        exact(exact(exact(exact(exact(c, q), k), v), gradOut), lse).buffer(delta);
        mask(c, mask).flag(causal).scalar(scale).i32(h).i32(tq).i32(tk).i32(d).i32(dvDim);
        exact(c, dq).run(b * h * tq);

        c = call(q, "attention_backward_dkdv");
        exact(exact(exact(exact(exact(c, q), k), v), gradOut), lse).buffer(delta);
        mask(c, mask).flag(causal).scalar(scale).i32(h).i32(tq).i32(tk).i32(d).i32(dvDim);
        exact(exact(c, dk), dv).run(b * h * tk);
    }
}
