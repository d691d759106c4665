package dev.loupe.nn.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ParameterEmaTest {
    /** Two parameters "a" (2) and "sub.b" (shape given), a child module included to exercise dotted names. */
    private static final class Net extends Module {
        final Var a;
        final Leaf sub;

        Net(float[] a, float[] b, int... bShape) {
            this.a = param("a", Tensor.of(a, 2));
            this.sub = child("sub", new Leaf(b, bShape));
        }
    }

    private static final class Leaf extends Module {
        final Var b;

        Leaf(float[] b, int... shape) {
            this.b = param("b", Tensor.of(b, shape));
        }
    }

    private static final class Other extends Module {
        Other() {
            param("a", Tensor.zeros(2));
            param("c", Tensor.zeros(1));
        }
    }

    @Test
    void movesTheTeacherTowardsTheStudentInPlace() {
        Net teacher = new Net(new float[] {1, 2}, new float[] {0, 4, -8, 1}, 2, 2);
        Net student = new Net(new float[] {3, -2}, new float[] {1, 0, 8, 1}, 2, 2);
        Tensor teacherA = teacher.a.data();
        ParameterEma ema = new ParameterEma(teacher, student);
        ema.update(0.75);
        // 0.75 t + 0.25 s, all exact in float32
        assertArrayEquals(new float[] {1.5f, 1f}, teacher.a.data().toFloatArray());
        assertArrayEquals(new float[] {0.25f, 3f, -4f, 1f}, teacher.sub.b.data().toFloatArray());
        assertSame(teacherA, teacher.a.data(), "updated in place");
        assertArrayEquals(new float[] {3, -2}, student.a.data().toFloatArray(), "student untouched");
        ema.update(0.5);
        assertArrayEquals(new float[] {2.25f, -0.5f}, teacher.a.data().toFloatArray());
        ema.update(1.0);
        assertArrayEquals(new float[] {2.25f, -0.5f}, teacher.a.data().toFloatArray(), "momentum 1 keeps the teacher");
        ema.update(0.0);
        assertArrayEquals(
                new float[] {1f, 0f, 8f, 1f}, teacher.sub.b.data().toFloatArray(), "momentum 0 copies the student");
    }

    @Test
    void matchesDinosOrderOfOperationsBitwise() {
        Net teacher = new Net(new float[] {0.1f, 0.7f}, new float[] {0.3f, -0.2f}, 2);
        Net student = new Net(new float[] {0.9f, -0.4f}, new float[] {0.05f, 0.6f}, 2);
        double m = 0.996;
        new ParameterEma(teacher, student).update(m);
        float mf = (float) m, rest = (float) (1 - m);
        float[] t = {0.1f, 0.7f}, s = {0.9f, -0.4f};
        for (int i = 0; i < 2; i++) {
            float expected = t[i] * mf + s[i] * rest; // param_k.mul_(m).add_((1 - m) * param_q), in float32
            assertEquals(
                    Float.floatToIntBits(expected),
                    Float.floatToIntBits(teacher.a.data().toFloatArray()[i]),
                    "element " + i);
        }
    }

    @Test
    void refusesDifferentNamesNamingThem() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ParameterEma(new Net(new float[2], new float[4], 2, 2), new Other()));
        assertTrue(e.getMessage().contains("only in teacher [sub.b]"), e.getMessage());
        assertTrue(e.getMessage().contains("only in student [c]"), e.getMessage());
    }

    @Test
    void refusesDifferentShapesNamingThem() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ParameterEma(
                        new Net(new float[2], new float[4], 2, 2), new Net(new float[2], new float[4], 4)));
        assertTrue(e.getMessage().contains("sub.b"), e.getMessage());
        assertTrue(e.getMessage().contains("(2, 2)") || e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test
    void refusesMomentumOutsideZeroOne() {
        ParameterEma ema =
                new ParameterEma(new Net(new float[2], new float[2], 2), new Net(new float[2], new float[2], 2));
        assertThrows(IllegalArgumentException.class, () -> ema.update(1.5));
        assertThrows(IllegalArgumentException.class, () -> ema.update(Double.NaN));
    }
}
