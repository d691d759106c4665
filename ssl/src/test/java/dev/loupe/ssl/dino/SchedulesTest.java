package dev.loupe.ssl.dino;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Teacher temperature (numpy linspace warm-up, then constant) and momentum (cosine 0.996 -> 1) values. */
class SchedulesTest {
    @Test
    void teacherTemperatureWarmsUpLinearlyThenStays() {
        TeacherTemperature t = new TeacherTemperature(0.04, 0.07, 30);
        assertEquals(0.04, t.at(0), 0);
        assertEquals(0.04 + 0.03 / 29, t.at(1), 1e-15);
        assertEquals(0.04 + 15 * 0.03 / 29, t.at(15), 1e-15);
        assertEquals(0.07, t.at(29), 0);
        assertEquals(0.07, t.at(30), 0);
        assertEquals(0.07, t.at(300), 0);
        assertEquals(0.04, new TeacherTemperature(0.04, 0.04, 0).at(0), 0);
        assertThrows(IllegalArgumentException.class, () -> t.at(-1));
    }

    @Test
    void teacherMomentumFollowsDinoCosine() {
        assertEquals(0.996, TeacherMomentum.at(0.996, 0, 100), 1e-15);
        assertEquals(0.998, TeacherMomentum.at(0.996, 50, 100), 1e-15);
        assertEquals(1 - 0.002 * (1 + Math.cos(Math.PI * 0.25)), TeacherMomentum.at(0.996, 25, 100), 1e-15);
        assertEquals(1 - 0.002 * (1 + Math.cos(Math.PI * 99 / 100)), TeacherMomentum.at(0.996, 99, 100), 1e-15);
        double previous = 0;
        for (int s = 0; s < 100; s++) {
            double m = TeacherMomentum.at(0.996, s, 100);
            assertTrue(m >= previous && m <= 1, "momentum must rise towards 1, step " + s + ": " + m);
            previous = m;
        }
    }
}
