package dev.loupe.eval.linear;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limited-memory BFGS in double precision (Nocedal and Wright, Algorithms 7.4, 3.5 and 3.6): the
 * two-loop recursion over the last {@code history} (s, y) pairs gives the direction, a line search
 * finds a step satisfying the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9) by bracketing and cubic
 * interpolation, and the run stops, as scipy's L-BFGS-B that sklearn uses, when the largest gradient
 * component is at most {@code gtol}, or the relative decrease of f in one iteration is at most
 * {@code ftol}, or after {@code maxIter} iterations. Everything is sequential arithmetic on the
 * caller's function, so the result is deterministic.
 */
public final class Lbfgs {
    /** A smooth function: returns f(x) and writes its gradient into {@code grad}. */
    @FunctionalInterface
    public interface Function {
        double valueAndGradient(double[] x, double[] grad);
    }

    /**
     * @param maxIter iterations (sklearn's max_iter)
     * @param gtol    stop when max |grad_i| <= gtol (sklearn's tol)
     * @param ftol    stop when (f_prev - f) / max(|f_prev|, |f|, 1) <= ftol (scipy's default 2.22e-9)
     * @param history stored correction pairs (scipy's maxcor, 10)
     */
    public record Options(int maxIter, double gtol, double ftol, int history) {
        public Options {
            if (maxIter < 1 || history < 1 || gtol < 0 || ftol < 0) {
                throw new IllegalArgumentException(
                        "L-BFGS: need maxIter, history >= 1 and tolerances >= 0, got " + this);
            }
        }

        /** sklearn's LogisticRegression(solver="lbfgs") defaults with the given max_iter and tol. */
        public static Options sklearn(int maxIter, double tol) {
            return new Options(maxIter, tol, 2.220446049250313e-09, 10);
        }
    }

    /** The minimiser found, f and gradient there, iterations used, and why the run stopped. */
    public record Result(
            double[] x, double value, double[] gradient, int iterations, boolean converged, String reason) {}

    private static final double C1 = 1e-4, C2 = 0.9;
    private static final int MAX_LINE_SEARCH = 40;

    private final Options options;

    public Lbfgs(Options options) {
        this.options = options;
    }

    /** Minimises {@code f} from {@code x0} (not modified). */
    public Result minimize(Function f, double[] x0) {
        int n = x0.length;
        double[] x = x0.clone(), g = new double[n];
        double fx = f.valueAndGradient(x, g);
        if (!Double.isFinite(fx)) throw new IllegalArgumentException("L-BFGS: f(x0) is " + fx);
        if (maxAbs(g) <= options.gtol()) return new Result(x, fx, g, 0, true, "gradient below tolerance");
        Deque<double[][]> pairs = new ArrayDeque<>(); // {s, y, {1 / s.y}}, newest last
        for (int iter = 1; iter <= options.maxIter(); iter++) {
            double[] d = direction(g, pairs);
            double gtd = dot(g, d);
            if (!(gtd < 0)) { // not a descent direction: forget the curvature pairs
                pairs.clear();
                d = scaled(g, -1);
                gtd = -dot(g, g);
            }
            double step0 = pairs.isEmpty() ? Math.min(1, 1 / sumAbs(g)) : 1;
            Point p = lineSearch(f, x, fx, gtd, d, step0);
            if (p == null) return new Result(x, fx, g, iter - 1, false, "line search found no decrease");
            double[] s = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = p.x[i] - x[i];
                y[i] = p.g[i] - g[i];
            }
            double sy = dot(s, y);
            if (sy > 1e-10 * dot(y, y)) { // keep the inverse Hessian estimate positive definite
                if (pairs.size() == options.history()) pairs.removeFirst();
                pairs.addLast(new double[][] {s, y, {1 / sy}});
            }
            double fPrev = fx;
            x = p.x;
            fx = p.f;
            g = p.g;
            if (maxAbs(g) <= options.gtol()) return new Result(x, fx, g, iter, true, "gradient below tolerance");
            if ((fPrev - fx) / Math.max(Math.max(Math.abs(fPrev), Math.abs(fx)), 1) <= options.ftol()) {
                return new Result(x, fx, g, iter, true, "relative decrease below tolerance");
            }
        }
        return new Result(x, fx, g, options.maxIter(), false, "iteration limit");
    }

    /** -H g by the two-loop recursion, H0 = (s.y / y.y) I from the newest pair. */
    private static double[] direction(double[] g, Deque<double[][]> pairs) {
        double[] q = g.clone();
        int m = pairs.size();
        double[] alpha = new double[m];
        double[][][] list = pairs.toArray(new double[0][][]);
        for (int i = m - 1; i >= 0; i--) {
            alpha[i] = list[i][2][0] * dot(list[i][0], q);
            axpy(-alpha[i], list[i][1], q);
        }
        if (m > 0) {
            double[] s = list[m - 1][0], y = list[m - 1][1];
            double gamma = dot(s, y) / dot(y, y);
            for (int i = 0; i < q.length; i++) q[i] *= gamma;
        }
        for (int i = 0; i < m; i++) {
            double beta = list[i][2][0] * dot(list[i][1], q);
            axpy(alpha[i] - beta, list[i][0], q);
        }
        return scaled(q, -1);
    }

    /** A trial point: step, f, directional derivative, x and gradient. */
    private record Point(double step, double f, double slope, double[] x, double[] g) {}

    private static Point evaluate(Function f, double[] x, double[] d, double step) {
        double[] xt = x.clone(), gt = new double[x.length];
        axpy(step, d, xt);
        double ft = f.valueAndGradient(xt, gt);
        return new Point(step, ft, dot(gt, d), xt, gt);
    }

    /** Strong Wolfe line search (N&W Algorithm 3.5); null when no acceptable step was found. */
    private static Point lineSearch(Function f, double[] x, double f0, double slope0, double[] d, double step0) {
        Point start = new Point(0, f0, slope0, x, null), prev = start;
        double step = step0;
        for (int i = 0; i < MAX_LINE_SEARCH; i++) {
            Point p = evaluate(f, x, d, step);
            if (!Double.isFinite(p.f) || p.f > f0 + C1 * step * slope0 || (i > 0 && p.f >= prev.f)) {
                return zoom(f, x, d, f0, slope0, prev, p);
            }
            if (Math.abs(p.slope) <= -C2 * slope0) return p;
            if (p.slope >= 0) return zoom(f, x, d, f0, slope0, p, prev);
            prev = p;
            step *= 2;
        }
        return prev == start ? null : prev;
    }

    /**
     * Shrinks the bracket [lo, hi] (lo satisfies sufficient decrease and has the lower f) until a
     * step meets the strong Wolfe conditions (N&W Algorithm 3.6); trial steps are the minimiser of
     * the cubic through both ends, kept 10% of the width away from them, else the midpoint.
     */
    private static Point zoom(Function f, double[] x, double[] d, double f0, double slope0, Point lo, Point hi) {
        for (int i = 0; i < MAX_LINE_SEARCH; i++) {
            double a = lo.step, b = hi.step, width = Math.abs(b - a);
            if (width * maxAbs(d) < 1e-16) break;
            double trial = cubicMinimizer(lo, hi);
            double min = Math.min(a, b), max = Math.max(a, b);
            if (!(trial >= min + 0.1 * width && trial <= max - 0.1 * width)) trial = 0.5 * (a + b);
            Point p = evaluate(f, x, d, trial);
            if (!Double.isFinite(p.f) || p.f > f0 + C1 * trial * slope0 || p.f >= lo.f) {
                hi = p;
            } else {
                if (Math.abs(p.slope) <= -C2 * slope0) return p;
                if (p.slope * (hi.step - lo.step) >= 0) hi = lo;
                lo = p;
            }
        }
        return lo.step > 0 ? lo : null;
    }

    /** The minimiser of the cubic matching f and slope at both points, or NaN when it has none. */
    private static double cubicMinimizer(Point p, Point q) {
        double d1 = p.slope + q.slope - 3 * (p.f - q.f) / (p.step - q.step);
        double disc = d1 * d1 - p.slope * q.slope;
        if (!(disc >= 0)) return Double.NaN;
        double d2 = Math.sqrt(disc);
        if (p.step <= q.step) return q.step - (q.step - p.step) * ((q.slope + d2 - d1) / (q.slope - p.slope + 2 * d2));
        return p.step - (p.step - q.step) * ((p.slope + d2 - d1) / (p.slope - q.slope + 2 * d2));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) y[i] += alpha * x[i];
    }

    private static double[] scaled(double[] v, double c) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = c * v[i];
        return out;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) m = Math.max(m, Math.abs(e));
        return m;
    }

    private static double sumAbs(double[] v) {
        double s = 0;
        for (double e : v) s += Math.abs(e);
        return s;
    }
}
