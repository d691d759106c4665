package dev.loupe.cli.train;

import dev.loupe.ssl.dino.DinoConfig;
import picocli.CommandLine.Option;

/** DINO's teacher: its temperature schedule, its EMA momentum and the head's frozen last layer. */
public final class DinoTeacherOptions {
    @Option(
            names = "--teacher-temp",
            defaultValue = "0.04",
            description = "Teacher temperature after warm-up (default ${DEFAULT-VALUE}).")
    double teacherTemp;

    @Option(
            names = "--warmup-teacher-temp",
            defaultValue = "0.04",
            description = "Teacher temperature at epoch 0 (default ${DEFAULT-VALUE}).")
    double warmupTeacherTemp;

    @Option(
            names = "--warmup-teacher-temp-epochs",
            defaultValue = "0",
            description = "Epochs of teacher temperature warm-up (default ${DEFAULT-VALUE}).")
    int warmupTeacherTempEpochs;

    @Option(
            names = "--momentum-teacher",
            defaultValue = "0.996",
            description = "Teacher EMA momentum at step 0, cosine to 1 (default ${DEFAULT-VALUE}).")
    double momentumTeacher;

    @Option(
            names = "--freeze-last-layer",
            defaultValue = "1",
            description = "Epochs without updates of the head's last layer (default ${DEFAULT-VALUE}).")
    int freezeLastLayer;

    /** config with this teacher. */
    public DinoConfig apply(DinoConfig config) {
        return config.withTeacherTemp(warmupTeacherTemp, teacherTemp, warmupTeacherTempEpochs)
                .withTeacherMomentum(momentumTeacher)
                .withFreezeLastLayer(freezeLastLayer);
    }
}
