package dev.loupe.tensor;

/** Inverse error function (Giles' single-branch approximation refined by two Newton steps on {@link Erf}). */
final class InverseErf {
    private InverseErf() {}

    static double erfinv(double y) {
        if (y <= -1) return Double.NEGATIVE_INFINITY;
        if (y >= 1) return Double.POSITIVE_INFINITY;
        double w = -Math.log((1.0 - y) * (1.0 + y));
        double x;
        if (w < 5.0) {
            w -= 2.5;
            double p = 2.81022636e-08;
            p = 3.43273939e-07 + p * w;
            p = -3.5233877e-06 + p * w;
            p = -4.39150654e-06 + p * w;
            p = 0.00021858087 + p * w;
            p = -0.00125372503 + p * w;
            p = -0.00417768164 + p * w;
            p = 0.246640727 + p * w;
            p = 1.50140941 + p * w;
            x = p * y;
        } else {
            w = Math.sqrt(w) - 3.0;
            double p = -0.000200214257;
            p = 0.000100950558 + p * w;
            p = 0.00134934322 + p * w;
            p = -0.00367342844 + p * w;
            p = 0.00573950773 + p * w;
            p = -0.0076224613 + p * w;
            p = 0.00943887047 + p * w;
            p = 1.00167406 + p * w;
            p = 2.83297682 + p * w;
            x = p * y;
        }
        for (int i = 0; i < 2; i++) {
            double err = Erf.erf(x) - y;
            x -= err / (2.0 / Math.sqrt(Math.PI) * Math.exp(-x * x));
        }
        return x;
    }
}
