package dev.loupe.nn.optim;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Exponential moving average of parameters (DINO / iBOT / DINOv2 teacher, MoCo key encoder):
 * theta_t <- m theta_t + (1 - m) theta_s for every parameter, matched by name, written in place
 * into the teacher outside the graph. The momentum is given per call so a schedule
 * ({@link CosineSchedule}, DINO's 0.996 -> 1) can drive it. Buffers are not averaged (DINO averages
 * parameters only).
 */
public final class ParameterEma {
    private final List<Var> teacher = new ArrayList<>(), student = new ArrayList<>();

    /**
     * Pairs the parameters of {@code teacher} and {@code student} by name; both must have the same
     * names and shapes, else the error lists every name missing on either side and every shape
     * mismatch.
     */
    public ParameterEma(Module teacher, Module student) {
        Map<String, Var> t = teacher.namedParameters(), s = student.namedParameters();
        Set<String> onlyTeacher = new TreeSet<>(t.keySet()), onlyStudent = new TreeSet<>(s.keySet());
        onlyTeacher.removeAll(s.keySet());
        onlyStudent.removeAll(t.keySet());
        List<String> mismatches = new ArrayList<>();
        t.forEach((name, tv) -> {
            Var sv = s.get(name);
            if (sv != null && !tv.data().shape().equals(sv.data().shape())) {
                mismatches.add(name + ": teacher " + tv.data().shape() + " vs student "
                        + sv.data().shape());
            }
        });
        if (!onlyTeacher.isEmpty() || !onlyStudent.isEmpty() || !mismatches.isEmpty()) {
            throw new IllegalArgumentException("ParameterEma: teacher and student differ: only in teacher "
                    + onlyTeacher + ", only in student " + onlyStudent + ", shape mismatches " + mismatches);
        }
        t.forEach((name, tv) -> {
            this.teacher.add(tv);
            this.student.add(s.get(name));
        });
    }

    /** One EMA step with momentum {@code m} in [0, 1] (1 keeps the teacher, 0 copies the student). */
    public void update(double m) {
        if (!(m >= 0 && m <= 1))
            throw new IllegalArgumentException("ParameterEma: momentum must be in [0, 1], got " + m);
        try (var scope = GradMode.disable()) {
            for (int i = 0; i < teacher.size(); i++) {
                Tensor s = student.get(i).data();
                // same order of operations as DINO: t * m + (1 - m) * s
                teacher.get(i)
                        .updateInPlace(t ->
                                t.copyFrom(t.mul(m).add((s.dtype() == t.dtype() ? s : s.to(t.dtype())).mul(1 - m))));
            }
        }
    }
}
