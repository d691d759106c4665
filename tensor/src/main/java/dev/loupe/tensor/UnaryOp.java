package dev.loupe.tensor;

/**
 * Elementwise unary op tokens. Each token carries its scalar definition in float and in double; the
 * float form is the twin that every SIMD kernel is tested against, the double form serves F64
 * (gradcheck). Backends map tokens to their own kernels.
 */
public enum UnaryOp {
    NEG {
        public float apply(float x) {
            return -x;
        }

        public double apply(double x) {
            return -x;
        }
    },
    ABS {
        public float apply(float x) {
            return Math.abs(x);
        }

        public double apply(double x) {
            return Math.abs(x);
        }
    },
    SIGN {
        public float apply(float x) {
            return Math.signum(x);
        }

        public double apply(double x) {
            return Math.signum(x);
        }
    },
    SQUARE {
        public float apply(float x) {
            return x * x;
        }

        public double apply(double x) {
            return x * x;
        }
    },
    SQRT {
        public float apply(float x) {
            return (float) Math.sqrt(x);
        }

        public double apply(double x) {
            return Math.sqrt(x);
        }
    },
    RSQRT {
        public float apply(float x) {
            return (float) (1.0 / Math.sqrt(x));
        }

        public double apply(double x) {
            return 1.0 / Math.sqrt(x);
        }
    },
    RECIPROCAL {
        public float apply(float x) {
            return 1f / x;
        }

        public double apply(double x) {
            return 1.0 / x;
        }
    },
    EXP {
        public float apply(float x) {
            return (float) Math.exp(x);
        }

        public double apply(double x) {
            return Math.exp(x);
        }
    },
    LOG {
        public float apply(float x) {
            return (float) Math.log(x);
        }

        public double apply(double x) {
            return Math.log(x);
        }
    },
    SIN {
        public float apply(float x) {
            return (float) Math.sin(x);
        }

        public double apply(double x) {
            return Math.sin(x);
        }
    },
    COS {
        public float apply(float x) {
            return (float) Math.cos(x);
        }

        public double apply(double x) {
            return Math.cos(x);
        }
    },
    TANH {
        public float apply(float x) {
            return (float) Math.tanh(x);
        }

        public double apply(double x) {
            return Math.tanh(x);
        }
    },
    ERF {
        public float apply(float x) {
            return (float) Erf.erf(x);
        }

        public double apply(double x) {
            return Erf.erf(x);
        }
    },
    SIGMOID {
        public float apply(float x) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }

        public double apply(double x) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
    },
    RELU {
        public float apply(float x) {
            return x > 0f ? x : 0f;
        }

        public double apply(double x) {
            return x > 0 ? x : 0;
        }
    },
    /** SiLU / swish: x * sigmoid(x). */
    SILU {
        public float apply(float x) {
            return (float) (x / (1.0 + Math.exp(-x)));
        }

        public double apply(double x) {
            return x / (1.0 + Math.exp(-x));
        }
    },
    /** Exact GELU: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). */
    GELU {
        public float apply(float x) {
            return (float) (0.5 * x * (1.0 + Erf.erf(x * 0.7071067811865476)));
        }

        public double apply(double x) {
            return 0.5 * x * (1.0 + Erf.erf(x * 0.7071067811865476));
        }
    },
    /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    GELU_TANH {
        public float apply(float x) {
            return (float) apply((double) x);
        }

        public double apply(double x) {
            return 0.5 * x * (1.0 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
        }
    },
    /** CLIP's QuickGELU: x * sigmoid(1.702 x). */
    QUICK_GELU {
        public float apply(float x) {
            return (float) (x / (1.0 + Math.exp(-1.702 * x)));
        }

        public double apply(double x) {
            return x / (1.0 + Math.exp(-1.702 * x));
        }
    };

    public abstract float apply(float x);

    public abstract double apply(double x);
}
