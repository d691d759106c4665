package dev.loupe.cli.train;

import dev.loupe.ssl.dinov2.Dinov2Config;
import picocli.CommandLine.Option;

/**
 * DINOv2's teacher: its temperature schedule (warm-up over a third of the run, at most 30 epochs, unless
 * given), its EMA momentum and the head's frozen last layer.
 */
public final class Dinov2TeacherOptions {
    @Option(
            names = "--teacher-temp",
            defaultValue = "0.07",
            description = "Teacher temperature after warm-up (default ${DEFAULT-VALUE}).")
    double teacherTemp;

    @Option(
            names = "--warmup-teacher-temp",
            defaultValue = "0.04",
            description = "Teacher temperature at epoch 0 (default ${DEFAULT-VALUE}).")
    double warmupTeacherTemp;

    @Option(
            names = "--warmup-teacher-temp-epochs",
            description = "Epochs of teacher temperature warm-up (default: a third of --epochs, at most 30).")
    Integer warmupTeacherTempEpochs;

    @Option(
            names = "--momentum-teacher",
            defaultValue = "0.992",
            description = "Teacher EMA momentum at step 0, cosine to 1 (default ${DEFAULT-VALUE}).")
    double momentumTeacher;

    @Option(
            names = "--freeze-last-layer",
            defaultValue = "1",
            description = "Epochs without updates of the head's last layer (default ${DEFAULT-VALUE}).")
    int freezeLastLayer;

    /** config with this teacher for a run of {@code epochs} (null: a step budget, no temperature warm-up). */
    public Dinov2Config apply(Dinov2Config config, Integer epochs) {
        int tempEpochs = warmupTeacherTempEpochs != null
                ? warmupTeacherTempEpochs
                : epochs == null ? 0 : Math.min(30, epochs / 3);
        return config.withTeacherTemp(warmupTeacherTemp, teacherTemp, tempEpochs)
                .withTeacher(momentumTeacher, freezeLastLayer);
    }
}
