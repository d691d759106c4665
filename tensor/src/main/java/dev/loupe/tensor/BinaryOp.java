package dev.loupe.tensor;

/**
 * Elementwise binary op tokens with NumPy broadcasting. Arithmetic ops produce the promoted dtype;
 * comparisons produce BOOL (1 or 0 in the scalar forms below).
 */
public enum BinaryOp {
    ADD(false) {
        public float apply(float a, float b) {
            return a + b;
        }

        public double apply(double a, double b) {
            return a + b;
        }
    },
    SUB(false) {
        public float apply(float a, float b) {
            return a - b;
        }

        public double apply(double a, double b) {
            return a - b;
        }
    },
    MUL(false) {
        public float apply(float a, float b) {
            return a * b;
        }

        public double apply(double a, double b) {
            return a * b;
        }
    },
    DIV(false) {
        public float apply(float a, float b) {
            return a / b;
        }

        public double apply(double a, double b) {
            return a / b;
        }
    },
    /** Elementwise maximum; NaN wins, as in torch.maximum. */
    MAX(false) {
        public float apply(float a, float b) {
            return Math.max(a, b);
        }

        public double apply(double a, double b) {
            return Math.max(a, b);
        }
    },
    /** Elementwise minimum; NaN wins, as in torch.minimum. */
    MIN(false) {
        public float apply(float a, float b) {
            return Math.min(a, b);
        }

        public double apply(double a, double b) {
            return Math.min(a, b);
        }
    },
    POW(false) {
        public float apply(float a, float b) {
            return (float) Math.pow(a, b);
        }

        public double apply(double a, double b) {
            return Math.pow(a, b);
        }
    },
    EQ(true) {
        public float apply(float a, float b) {
            return a == b ? 1f : 0f;
        }

        public double apply(double a, double b) {
            return a == b ? 1 : 0;
        }
    },
    NE(true) {
        public float apply(float a, float b) {
            return a != b ? 1f : 0f;
        }

        public double apply(double a, double b) {
            return a != b ? 1 : 0;
        }
    },
    LT(true) {
        public float apply(float a, float b) {
            return a < b ? 1f : 0f;
        }

        public double apply(double a, double b) {
            return a < b ? 1 : 0;
        }
    },
    LE(true) {
        public float apply(float a, float b) {
            return a <= b ? 1f : 0f;
        }

        public double apply(double a, double b) {
            return a <= b ? 1 : 0;
        }
    },
    GT(true) {
        public float apply(float a, float b) {
            return a > b ? 1f : 0f;
        }

        public double apply(double a, double b) {
            return a > b ? 1 : 0;
        }
    },
    GE(true) {
        public float apply(float a, float b) {
            return a >= b ? 1f : 0f;
        }

        public double apply(double a, double b) {
            return a >= b ? 1 : 0;
        }
    };

    private final boolean comparison;

    BinaryOp(boolean comparison) {
        this.comparison = comparison;
    }

    /** True for EQ, NE, LT, LE, GT, GE, whose result dtype is BOOL. */
    public boolean isComparison() {
        return comparison;
    }

    public abstract float apply(float a, float b);

    public abstract double apply(double a, double b);
}
