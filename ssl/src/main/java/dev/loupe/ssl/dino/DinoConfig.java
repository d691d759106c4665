package dev.loupe.ssl.dino;

/**
 * DINO's head, temperatures and schedules (main_dino.py arguments).
 *
 * @param outDim                  prototypes K (out_dim)
 * @param hiddenDim               head MLP width
 * @param bottleneckDim           head width before the last layer
 * @param normLastLayer           fix the last layer's weight_g to 1
 * @param studentTemp             student temperature (0.1)
 * @param warmupTeacherTemp       teacher temperature at epoch 0 (0.04)
 * @param teacherTemp             teacher temperature after warm-up (0.04; 0.07 in the stronger recipe)
 * @param warmupTeacherTempEpochs teacher temperature warm-up epochs (0; 30 with 0.07)
 * @param teacherMomentum         EMA momentum at step 0, cosine to 1 at the last step (0.996)
 * @param centerMomentum          center EMA momentum (0.9)
 * @param freezeLastLayerEpochs   epochs during which the last layer gets no update (1)
 */
public record DinoConfig(
        int outDim,
        int hiddenDim,
        int bottleneckDim,
        boolean normLastLayer,
        double studentTemp,
        double warmupTeacherTemp,
        double teacherTemp,
        int warmupTeacherTempEpochs,
        double teacherMomentum,
        double centerMomentum,
        int freezeLastLayerEpochs) {
    public DinoConfig {
        if (outDim < 1 || hiddenDim < 1 || bottleneckDim < 1) {
            throw new IllegalArgumentException("DINO head sizes must be >= 1, got out " + outDim + ", hidden "
                    + hiddenDim + ", bottleneck " + bottleneckDim);
        }
        if (!(teacherMomentum >= 0 && teacherMomentum <= 1)) {
            throw new IllegalArgumentException("DINO teacher momentum must be in [0, 1], got " + teacherMomentum);
        }
        if (freezeLastLayerEpochs < 0)
            throw new IllegalArgumentException("freeze last layer epochs must be >= 0, got " + freezeLastLayerEpochs);
    }

    /** The paper's ViT recipe: K 65536, hidden 2048, bottleneck 256, temperatures 0.1 / 0.04, momentum 0.996. */
    public static DinoConfig paper() {
        return new DinoConfig(65536, 2048, 256, true, 0.1, 0.04, 0.04, 0, 0.996, 0.9, 1);
    }

    /** Head sized for small data on a few cores (K 1024, hidden 512, bottleneck 128), DINO's other defaults. */
    public static DinoConfig small() {
        return new DinoConfig(1024, 512, 128, true, 0.1, 0.04, 0.04, 0, 0.996, 0.9, 1);
    }

    /** A copy with another head size. */
    public DinoConfig withHead(int out, int hidden, int bottleneck) {
        return new DinoConfig(
                out,
                hidden,
                bottleneck,
                normLastLayer,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                teacherMomentum,
                centerMomentum,
                freezeLastLayerEpochs);
    }

    /** A copy with another teacher temperature schedule. */
    public DinoConfig withTeacherTemp(double warmup, double temp, int warmupEpochs) {
        return new DinoConfig(
                outDim,
                hiddenDim,
                bottleneckDim,
                normLastLayer,
                studentTemp,
                warmup,
                temp,
                warmupEpochs,
                teacherMomentum,
                centerMomentum,
                freezeLastLayerEpochs);
    }

    /** A copy with another EMA momentum at step 0. */
    public DinoConfig withTeacherMomentum(double momentum) {
        return new DinoConfig(
                outDim,
                hiddenDim,
                bottleneckDim,
                normLastLayer,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                momentum,
                centerMomentum,
                freezeLastLayerEpochs);
    }

    /** A copy whose last layer is frozen for another number of epochs. */
    public DinoConfig withFreezeLastLayer(int epochs) {
        return new DinoConfig(
                outDim,
                hiddenDim,
                bottleneckDim,
                normLastLayer,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                teacherMomentum,
                centerMomentum,
                epochs);
    }

    public TeacherTemperature teacherTemperature() {
        return new TeacherTemperature(warmupTeacherTemp, teacherTemp, warmupTeacherTempEpochs);
    }
}
