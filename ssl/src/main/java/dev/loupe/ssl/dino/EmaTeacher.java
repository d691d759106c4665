package dev.loupe.ssl.dino;

import dev.loupe.nn.Module;
import dev.loupe.nn.optim.ParameterEma;
import dev.loupe.nn.train.StepInfo;

/**
 * A network that follows another by EMA after every optimiser step, its momentum rising from a base to 1
 * on {@link TeacherMomentum}'s cosine: DINO's and DINOv2's teacher, BYOL's target network, MoCo v3's
 * momentum encoder. It starts as a copy of the network it follows.
 */
public final class EmaTeacher {
    private final ParameterEma ema;
    private final double baseMomentum;
    private double lastMomentum = Double.NaN;

    /** Copies {@code student}'s weights and buffers into {@code teacher}, which then follows it. */
    public EmaTeacher(Module teacher, Module student, double baseMomentum) {
        teacher.loadStateDict(student.stateDict(), true);
        this.ema = new ParameterEma(teacher, student);
        this.baseMomentum = baseMomentum;
    }

    /** The EMA step after optimiser step {@code step}; returns the momentum it used. */
    public double update(StepInfo step) {
        lastMomentum = TeacherMomentum.at(baseMomentum, step.step(), step.totalSteps());
        ema.update(lastMomentum);
        return lastMomentum;
    }

    /** The momentum of the last {@link #update} (NaN before the first). */
    public double lastMomentum() {
        return lastMomentum;
    }
}
