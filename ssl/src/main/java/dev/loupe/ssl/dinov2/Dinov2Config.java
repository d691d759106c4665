package dev.loupe.ssl.dinov2;

import dev.loupe.ssl.common.BlockMasking;

/**
 * DINOv2's loss weights, head, schedules and masking (ssl_default_config.yaml).
 *
 * @param outDim                  prototypes K of the (shared DINO / iBOT) head
 * @param hiddenDim               head MLP width
 * @param bottleneckDim           head width before the last layer
 * @param studentTemp             student temperature (0.1) for the DINO and iBOT terms
 * @param warmupTeacherTemp       teacher temperature at epoch 0 (0.04)
 * @param teacherTemp             teacher temperature after warm-up (0.07)
 * @param warmupTeacherTempEpochs teacher temperature warm-up epochs (30)
 * @param teacherMomentum         EMA momentum at step 0, cosine to 1 (0.992)
 * @param centerMomentum          EMA of both centres (0.9)
 * @param freezeLastLayerEpochs   epochs without last-layer updates (1)
 * @param dinoWeight              weight of the DINO CLS loss (1)
 * @param ibotWeight              weight of the iBOT patch loss (1)
 * @param koleoWeight             weight of KoLeo on the student's global CLS outputs (0.1)
 * @param maskProbability         share of the global-crop images that get a mask (0.5)
 * @param maskRatioMin            smallest per-image mask ratio (0.1)
 * @param maskRatioMax            largest per-image mask ratio (0.5)
 * @param centering               softmax centring or Sinkhorn-Knopp
 */
public record Dinov2Config(
        int outDim,
        int hiddenDim,
        int bottleneckDim,
        double studentTemp,
        double warmupTeacherTemp,
        double teacherTemp,
        int warmupTeacherTempEpochs,
        double teacherMomentum,
        double centerMomentum,
        int freezeLastLayerEpochs,
        double dinoWeight,
        double ibotWeight,
        double koleoWeight,
        double maskProbability,
        double maskRatioMin,
        double maskRatioMax,
        Centering centering) {
    public Dinov2Config {
        if (outDim < 1 || hiddenDim < 1 || bottleneckDim < 1) {
            throw new IllegalArgumentException("DINOv2 head sizes must be >= 1, got out " + outDim + ", hidden "
                    + hiddenDim + ", bottleneck " + bottleneckDim);
        }
        if (!(teacherMomentum >= 0 && teacherMomentum <= 1)) {
            throw new IllegalArgumentException("DINOv2 teacher momentum must be in [0, 1], got " + teacherMomentum);
        }
        BlockMasking.requireSettings("DINOv2 masking", maskProbability, maskRatioMin, maskRatioMax);
        if (centering == null) throw new IllegalArgumentException("DINOv2 centering must be given");
    }

    /** DINOv2's defaults (K 65536, hidden 2048, bottleneck 256, softmax centring). */
    public static Dinov2Config paper() {
        return new Dinov2Config(
                65536, 2048, 256, 0.1, 0.04, 0.07, 30, 0.992, 0.9, 1, 1.0, 1.0, 0.1, 0.5, 0.1, 0.5, Centering.SOFTMAX);
    }

    /** A head sized for small data on a few cores (K 1024, hidden 512, bottleneck 128), DINOv2's other defaults. */
    public static Dinov2Config small() {
        return paper().withHead(1024, 512, 128);
    }

    public Dinov2Config withHead(int out, int hidden, int bottleneck) {
        return new Dinov2Config(
                out,
                hidden,
                bottleneck,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                teacherMomentum,
                centerMomentum,
                freezeLastLayerEpochs,
                dinoWeight,
                ibotWeight,
                koleoWeight,
                maskProbability,
                maskRatioMin,
                maskRatioMax,
                centering);
    }

    public Dinov2Config withCentering(Centering c) {
        return new Dinov2Config(
                outDim,
                hiddenDim,
                bottleneckDim,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                teacherMomentum,
                centerMomentum,
                freezeLastLayerEpochs,
                dinoWeight,
                ibotWeight,
                koleoWeight,
                maskProbability,
                maskRatioMin,
                maskRatioMax,
                c);
    }

    public Dinov2Config withTeacherTemp(double warmup, double temp, int warmupEpochs) {
        return new Dinov2Config(
                outDim,
                hiddenDim,
                bottleneckDim,
                studentTemp,
                warmup,
                temp,
                warmupEpochs,
                teacherMomentum,
                centerMomentum,
                freezeLastLayerEpochs,
                dinoWeight,
                ibotWeight,
                koleoWeight,
                maskProbability,
                maskRatioMin,
                maskRatioMax,
                centering);
    }

    /** A copy with another EMA momentum at step 0 and another number of epochs with the last layer frozen. */
    public Dinov2Config withTeacher(double momentum, int freezeLastLayer) {
        return new Dinov2Config(
                outDim,
                hiddenDim,
                bottleneckDim,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                momentum,
                centerMomentum,
                freezeLastLayer,
                dinoWeight,
                ibotWeight,
                koleoWeight,
                maskProbability,
                maskRatioMin,
                maskRatioMax,
                centering);
    }

    /** A copy with other iBOT and KoLeo loss weights. */
    public Dinov2Config withLossWeights(double ibot, double koleo) {
        return new Dinov2Config(
                outDim,
                hiddenDim,
                bottleneckDim,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                teacherMomentum,
                centerMomentum,
                freezeLastLayerEpochs,
                dinoWeight,
                ibot,
                koleo,
                maskProbability,
                maskRatioMin,
                maskRatioMax,
                centering);
    }

    /** A copy with another block masking: the share of masked global crops and the range of masked patches. */
    public Dinov2Config withMasking(double probability, double ratioMin, double ratioMax) {
        return new Dinov2Config(
                outDim,
                hiddenDim,
                bottleneckDim,
                studentTemp,
                warmupTeacherTemp,
                teacherTemp,
                warmupTeacherTempEpochs,
                teacherMomentum,
                centerMomentum,
                freezeLastLayerEpochs,
                dinoWeight,
                ibotWeight,
                koleoWeight,
                probability,
                ratioMin,
                ratioMax,
                centering);
    }
}
