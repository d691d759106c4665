package dev.loupe.autograd;

import dev.loupe.tensor.BinaryOp;
import dev.loupe.tensor.Elementwise;
import dev.loupe.tensor.Tensor;

/** Broadcasting arithmetic. Gradients come back in the broadcast shape; the engine sums them down. */
final class ArithmeticFns {
    private ArithmeticFns() {}

    static Var add(Var a, Var b) {
        return Var.record("add", a.data().add(b.data()), new Var[] {a, b}, new Var[0], g -> new Tensor[] {g, g});
    }

    static Var sub(Var a, Var b) {
        return Var.record("sub", a.data().sub(b.data()), new Var[] {a, b}, new Var[0], g -> new Tensor[] {g, g.neg()});
    }

    // d(ab) = b da + a db
    static Var mul(Var a, Var b) {
        Tensor x = a.data(), y = b.data();
        return Var.record("mul", x.mul(y), new Var[] {a, b}, new Var[] {a, b}, g ->
                new Tensor[] {a.requiresGrad() ? g.mul(y) : null, b.requiresGrad() ? g.mul(x) : null});
    }

    // d(a/b) = da / b - a db / b^2
    static Var div(Var a, Var b) {
        Tensor x = a.data(), y = b.data();
        return Var.record("div", x.div(y), new Var[] {a, b}, new Var[] {a, b}, g -> new Tensor[] {
            a.requiresGrad() ? g.div(y) : null,
            b.requiresGrad() ? g.mul(x).div(y.mul(y)).neg() : null
        });
    }

    static Var addScalar(Var a, double s) {
        return Var.record("add", a.data().add(s), new Var[] {a}, new Var[0], g -> new Tensor[] {g});
    }

    static Var mulScalar(Var a, double s) {
        return Var.record("mul", a.data().mul(s), new Var[] {a}, new Var[0], g -> new Tensor[] {g.mul(s)});
    }

    // d(x^p) = p x^(p-1) dx
    static Var powScalar(Var a, double p) {
        Tensor x = a.data();
        return Var.record("pow", x.pow(p), new Var[] {a}, new Var[] {a}, g ->
                new Tensor[] {g.mul(x.pow(p - 1).mul(p))});
    }

    /** Elementwise max; on ties each side gets half the gradient (as torch.maximum). */
    static Var maximum(Var a, Var b) {
        return extremum("maximum", a, b, BinaryOp.MAX, BinaryOp.GT);
    }

    /** Elementwise min; on ties each side gets half the gradient (as torch.minimum). */
    static Var minimum(Var a, Var b) {
        return extremum("minimum", a, b, BinaryOp.MIN, BinaryOp.LT);
    }

    private static Var extremum(String op, Var a, Var b, BinaryOp forward, BinaryOp wins) {
        Tensor x = a.data(), y = b.data();
        Tensor out = Elementwise.binary(forward, x, y);
        return Var.record(op, out, new Var[] {a, b}, new Var[] {a, b}, g -> {
            // share: 1 where this side wins, 0.5 on ties, 0 where it loses
            Tensor aWins = Elementwise.binary(wins, x, y).to(g.dtype());
            Tensor tie = x.eq(y).to(g.dtype()).mul(0.5);
            Tensor shareA = aWins.add(tie);
            Tensor shareB = shareA.neg().add(1.0);
            return new Tensor[] {g.mul(shareA), g.mul(shareB)};
        });
    }

    /** Gradient passes where lo <= x <= hi (as torch.clamp). */
    static Var clamp(Var a, double lo, double hi) {
        Tensor x = a.data();
        return Var.record("clamp", x.clamp(lo, hi), new Var[] {a}, new Var[] {a}, g -> {
            Tensor inside = x.ge(Tensor.full(x.device(), x.dtype(), lo, 1))
                    .mul(x.le(Tensor.full(x.device(), x.dtype(), hi, 1)));
            return new Tensor[] {Tensor.where(inside, g, Tensor.zeros(g.device(), g.dtype(), 1))};
        });
    }
}
