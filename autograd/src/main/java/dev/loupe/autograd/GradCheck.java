package dev.loupe.autograd;

import dev.loupe.tensor.CpuStorage;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import java.util.function.Function;

/**
 * Checks analytic gradients against central differences in F64 (torch.autograd.gradcheck's method).
 * A non-scalar output is reduced with a fixed random projection L = sum(f(x) * r), so every output
 * element's gradient is exercised.
 */
public final class GradCheck {
    private GradCheck() {}

    /** The largest disagreement found. */
    public record Report(double maxAbsError, double maxScaledError, String worst) {}

    /**
     * Runs the check; throws AssertionError naming the input, the element and both values when
     * |analytic - numeric| > atol + rtol * |numeric| anywhere.
     *
     * @param f      the function of the inputs (each made a parameter in F64)
     * @param eps    the finite-difference step (1e-6 suits F64)
     * @param inputs the points to check at; converted to F64 copies
     */
    public static Report check(
            String name, Function<Var[], Var> f, double eps, double atol, double rtol, Tensor... inputs) {
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = Var.param(inputs[i].to(DType.F64));
        Var out = f.apply(vars);
        if (out.dtype() != DType.F64)
            throw new IllegalStateException(name + ": output is " + out.dtype() + ", expected F64");
        Tensor projection = Tensor.randn(new Rng(12345), out.sizes()).to(DType.F64);
        out.mul(Var.of(projection)).sum().backward();

        double maxAbs = 0, maxScaled = 0;
        String worst = "none";
        for (int i = 0; i < vars.length; i++) {
            Tensor x = vars[i].data();
            Tensor analytic = vars[i].grad() == null ? Tensor.zeros(DType.F64, x.sizes()) : vars[i].grad();
            double[] a = analytic.toDoubleArray();
            double[] xs = ((CpuStorage) x.storage()).f64();
            for (int j = 0; j < a.length; j++) {
                double saved = xs[j];
                xs[j] = saved + eps;
                double plus = projected(f, vars, projection);
                xs[j] = saved - eps;
                double minus = projected(f, vars, projection);
                xs[j] = saved;
                double numeric = (plus - minus) / (2 * eps);
                double err = Math.abs(a[j] - numeric);
                double scaled = err / (atol + rtol * Math.abs(numeric));
                if (scaled > maxScaled) {
                    maxScaled = scaled;
                    worst = "input " + i + " element " + j + ": analytic " + a[j] + ", numeric " + numeric;
                }
                maxAbs = Math.max(maxAbs, err);
            }
        }
        if (maxScaled > 1) {
            throw new AssertionError(
                    "gradcheck " + name + " failed at " + worst + " (atol " + atol + ", rtol " + rtol + ")");
        }
        return new Report(maxAbs, maxScaled, worst);
    }

    /** The common case: eps 1e-6, atol 1e-6, rtol 1e-4 (F64 central differences are accurate to ~1e-9 here). */
    public static Report check(String name, Function<Var[], Var> f, Tensor... inputs) {
        return check(name, f, 1e-6, 1e-6, 1e-4, inputs);
    }

    private static double projected(Function<Var[], Var> f, Var[] vars, Tensor projection) {
        try (var scope = GradMode.disable()) {
            Var[] plain = new Var[vars.length];
            for (int i = 0; i < vars.length; i++) plain[i] = Var.of(vars[i].data());
            return f.apply(plain).data().mul(projection).sum().item();
        }
    }
}
