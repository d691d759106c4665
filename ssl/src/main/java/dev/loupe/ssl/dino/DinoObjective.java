package dev.loupe.ssl.dino;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DINO self-distillation (main_dino.py). A batch holds 2 global crops then m local crops. The
 * student (backbone with the configured drop path, and head) sees all crops; the teacher (a copy of
 * the student at start, without drop path, never trained by gradients) sees the 2 global crops.
 *
 * <p>Per step: loss ({@link DinoLoss}, teacher temperature from the epoch), backward; before the
 * optimiser step the last layer's gradients are dropped while epoch &lt; freezeLastLayerEpochs;
 * after it the teacher moves to m teacher + (1 - m) student with m on DINO's cosine schedule. DINO's
 * per-parameter gradient clipping (3.0) is the trainer's job (GradClip.clipPerParameter), as are
 * the learning rate and weight decay schedules.
 *
 * <p>State names: student.backbone.*, student.head.*, teacher.backbone.*, teacher.head.*,
 * dino_loss.center.
 */
public final class DinoObjective implements Objective<Batch> {
    /** The module a checkpoint holds. */
    public static final class State extends Module {
        public final MultiCropNetwork student, teacher;
        public final DinoLoss dinoLoss;

        State(ViTConfig vit, DinoConfig cfg, Rng rng) {
            student = child("student", new MultiCropNetwork(vit, cfg, rng.split()));
            teacher = child("teacher", new MultiCropNetwork(vit.withDropPath(0), cfg, rng.split()));
            dinoLoss = child("dino_loss", new DinoLoss(cfg.outDim(), cfg.studentTemp(), cfg.centerMomentum()));
        }
    }

    private final State state;
    private final DinoConfig cfg;
    private final TeacherTemperature teacherTemperature;
    private final EmaTeacher ema;
    private final Map<String, Var> trainable = new LinkedHashMap<>();
    private double lastTeacherTemp = Double.NaN;

    /**
     * @param vit backbone shape (numClasses 0); its drop path rate is the student's (DINO: 0.1)
     * @param cfg head and schedules
     */
    public DinoObjective(ViTConfig vit, DinoConfig cfg, Rng rng) {
        this.cfg = cfg;
        this.state = new State(vit, cfg, rng);
        this.teacherTemperature = cfg.teacherTemperature();
        this.ema = new EmaTeacher(state.teacher, state.student, cfg.teacherMomentum());
        state.teacher.train(false);
        state.student.namedParameters().forEach((name, p) -> trainable.put("student." + name, p));
    }

    @Override
    public State module() {
        return state;
    }

    @Override
    public Map<String, Var> trainableParameters() {
        return trainable;
    }

    /** The centres move toward the mean teacher output of every rank. */
    @Override
    public void distribute(Communicator comm) {
        state.dinoLoss.synchronize(comm);
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        List<Tensor> views = batch.views();
        if (views.size() < DinoLoss.TEACHER_CROPS) {
            throw new IllegalArgumentException(
                    "DINO needs 2 global crops (+ local crops), got " + views.size() + " views");
        }
        Tensor teacherOut; // (2B, K)
        try (var scope = GradMode.disable()) {
            teacherOut = state.teacher
                    .forward(views.subList(0, DinoLoss.TEACHER_CROPS))
                    .data();
        }
        Var studentOut = state.student.forward(views); // (V*B, K)
        lastTeacherTemp = teacherTemperature.at(step.epoch());
        return state.dinoLoss.forward(studentOut, teacherOut, lastTeacherTemp);
    }

    /** Drops the last layer's gradients during the first freezeLastLayerEpochs epochs. */
    @Override
    public void beforeOptimizerStep(StepInfo step) {
        if (step.epoch() >= cfg.freezeLastLayerEpochs()) return;
        trainable.forEach((name, p) -> {
            if (name.contains("last_layer")) p.zeroGrad();
        });
    }

    /** The EMA teacher update with this step's momentum. */
    @Override
    public void afterOptimizerStep(StepInfo step) {
        ema.update(step);
    }

    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("teacher_temp", lastTeacherTemp);
        m.put("teacher_momentum", ema.lastMomentum());
        m.put("teacher_entropy", state.dinoLoss.lastTeacherEntropy());
        return m;
    }

    /** The teacher backbone's weights under plain timm ViT names (what DINO evaluates). */
    public Map<String, Tensor> teacherBackboneStateDict() {
        return state.teacher.backbone.stateDict();
    }
}
