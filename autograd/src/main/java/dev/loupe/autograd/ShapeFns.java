package dev.loupe.autograd;

import dev.loupe.tensor.Tensor;
import java.util.List;

/** Views and assembly. Views share their base's storage and version counter. */
final class ShapeFns {
    private ShapeFns() {}

    static Var reshape(Var a, int... shape) {
        int[] in = a.sizes();
        return Var.recordView("reshape", a.data().reshape(shape), a, g -> new Tensor[] {g.reshape(in)});
    }

    static Var flatten(Var a, int start, int end) {
        int[] in = a.sizes();
        return Var.recordView("flatten", a.data().flatten(start, end), a, g -> new Tensor[] {g.reshape(in)});
    }

    static Var permute(Var a, int... order) {
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) inverse[order[i] < 0 ? order[i] + order.length : order[i]] = i;
        return Var.recordView("permute", a.data().permute(order), a, g -> new Tensor[] {g.permute(inverse)});
    }

    static Var transpose(Var a, int d0, int d1) {
        return Var.recordView("transpose", a.data().transpose(d0, d1), a, g -> new Tensor[] {g.transpose(d0, d1)});
    }

    /** The gradient of a slice is zero outside it. */
    static Var narrow(Var a, int dim, int start, int length) {
        Tensor x = a.data();
        return Var.recordView("narrow", x.narrow(dim, start, length), a, g -> {
            Tensor full = Tensor.zeros(g.device(), g.dtype(), x.sizes());
            full.narrow(dim, start, length).copyFrom(g);
            return new Tensor[] {full};
        });
    }

    static Var select(Var a, int dim, int index) {
        Tensor x = a.data();
        return Var.recordView("select", x.select(dim, index), a, g -> {
            Tensor full = Tensor.zeros(g.device(), g.dtype(), x.sizes());
            full.select(dim, index).copyFrom(g);
            return new Tensor[] {full};
        });
    }

    /** The engine sums the broadcast gradient back to the input shape. */
    static Var expand(Var a, int... shape) {
        return Var.recordView("expand", a.data().expand(shape), a, g -> new Tensor[] {g});
    }

    static Var unsqueeze(Var a, int dim) {
        int[] in = a.sizes();
        return Var.recordView("unsqueeze", a.data().unsqueeze(dim), a, g -> new Tensor[] {g.reshape(in)});
    }

    static Var squeeze(Var a, int dim) {
        int[] in = a.sizes();
        return Var.recordView("squeeze", a.data().squeeze(dim), a, g -> new Tensor[] {g.reshape(in)});
    }

    /** Constant padding (torch F.pad order); the gradient is the un-padded window. */
    static Var pad(Var a, int[] pads, double value) {
        Tensor x = a.data();
        return Var.record("pad", x.pad(pads, value), new Var[] {a}, new Var[0], g -> {
            Tensor window = g;
            for (int i = 0; i < pads.length / 2; i++) {
                int dim = x.rank() - 1 - i;
                window = window.narrow(dim, pads[2 * i], x.size(dim));
            }
            return new Tensor[] {window};
        });
    }

    static Var concat(int dim, List<Var> parts) {
        Tensor[] data = parts.stream().map(Var::data).toArray(Tensor[]::new);
        Tensor out = Tensor.concat(dim, data);
        int d = dim < 0 ? dim + out.rank() : dim;
        return Var.record("concat", out, parts.toArray(Var[]::new), new Var[0], g -> {
            Tensor[] grads = new Tensor[data.length];
            int at = 0;
            for (int i = 0; i < data.length; i++) {
                grads[i] = g.narrow(d, at, data[i].size(d));
                at += data[i].size(d);
            }
            return grads;
        });
    }

    static Var stack(int dim, List<Var> parts) {
        int rank = parts.getFirst().rank() + 1;
        int d = dim < 0 ? dim + rank : dim;
        return concat(d, parts.stream().map(v -> v.unsqueeze(d)).toList());
    }
}
