package dev.loupe.ssl.dinov2;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.dist.DataParallel;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.BlockMasking;
import dev.loupe.ssl.common.MultiCrop;
import dev.loupe.ssl.dino.DinoLoss;
import dev.loupe.ssl.dino.EmaTeacher;
import dev.loupe.ssl.dino.TeacherTemperature;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DINOv2 (ssl_meta_arch.py forward_backward): DINO on CLS tokens, iBOT on masked patch tokens,
 * KoLeo on the student's global CLS outputs. A batch holds 2 global crops (same size) then m local
 * crops. Half of the 2B global-crop images get a block mask ({@link BlockMasking}); the student sees
 * the masked global crops (mask token) and the local crops, the teacher the unmasked global crops.
 * One shared head serves DINO and iBOT.
 *
 * <p>Loss = dinoWeight (local terms + 2 * global term) / (2 + max(2m, 1)) + koleoWeight * sum over
 * the two global crops of KoLeo + ibotWeight * iBOT, with the teacher's CLS crops swapped so that
 * student crop A meets teacher crop B (the divisor keeps DINOv2's max(2m, 1), so without local crops
 * it is 3). Schedules as DINO (teacher temperature per epoch, momentum cosine per step, last layer
 * without gradient during the first epochs); gradient clipping and lr / wd schedules are the trainer's.
 *
 * <p>State names: student.backbone.*, student.dino_head.*, teacher.*, dino_loss.center,
 * ibot_patch_loss.center.
 */
public final class Dinov2Objective implements Objective<Batch> {
    /** The module a checkpoint holds. */
    public static final class State extends Module {
        public final Dinov2Network student, teacher;
        public final DinoLoss dinoLoss;
        public final IbotPatchLoss ibotPatchLoss;

        State(ViTConfig vit, Dinov2Config cfg, Rng rng) {
            student = child("student", new Dinov2Network(vit, cfg, rng.split()));
            teacher = child("teacher", new Dinov2Network(vit.withDropPath(0), cfg, rng.split()));
            dinoLoss = child("dino_loss", new DinoLoss(cfg.outDim(), cfg.studentTemp(), cfg.centerMomentum()));
            ibotPatchLoss =
                    child("ibot_patch_loss", new IbotPatchLoss(cfg.outDim(), cfg.studentTemp(), cfg.centerMomentum()));
        }
    }

    private final State state;
    private final ViTConfig vit;
    private final Dinov2Config cfg;
    private Communicator comm = Communicator.single();
    private final TeacherTemperature teacherTemperature;
    private final BlockMasking masking;
    private final EmaTeacher ema;
    private final Map<String, Var> trainable = new LinkedHashMap<>();
    private final Map<String, Double> lastMetrics = new LinkedHashMap<>();

    /**
     * @param vit backbone shape (numClasses 0); its drop path is the student's
     * @param rng initialises the networks (the masks come from the step's Rng, {@link StepInfo#rng})
     */
    public Dinov2Objective(ViTConfig vit, Dinov2Config cfg, Rng rng) {
        this.cfg = cfg;
        this.vit = vit;
        this.state = new State(vit, cfg, rng);
        this.teacherTemperature =
                new TeacherTemperature(cfg.warmupTeacherTemp(), cfg.teacherTemp(), cfg.warmupTeacherTempEpochs());
        this.masking = BlockMasking.dinov2(vit.gridSize());
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

    /** The backbone's metadata: a checkpoint's model.safetensors then reads back as the teacher ViT. */
    @Override
    public Map<String, String> weightsMetadata() {
        return VitWeights.metadata(vit);
    }

    /** The centres move toward the mean teacher output of every rank. */
    @Override
    public void distribute(Communicator comm) {
        state.dinoLoss.synchronize(comm);
        state.ibotPatchLoss.synchronize(comm);
        this.comm = comm;
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        // masks of the 2 global crops of the global batch (2 W B, N); this rank keeps its rows (2 B, N)
        int images = 2 * batch.views().getFirst().size(0) * comm.worldSize();
        Tensor masks = masking.batch(images, cfg.maskProbability(), cfg.maskRatioMin(), cfg.maskRatioMax(), step.rng());
        return loss(batch, step, DataParallel.rowsOfThisRank(comm, masks));
    }

    /**
     * The loss with given masks.
     *
     * @param masks BOOL (2B, N): masked patches of the global crops, crop-major (view 0's B images first)
     */
    public Var loss(Batch batch, StepInfo step, Tensor masks) {
        List<Tensor> views = batch.views();
        if (views.size() < 2)
            throw new IllegalArgumentException(
                    "DINOv2 needs 2 global crops (+ local crops), got " + views.size() + " views");
        MultiCrop.requireSameBatchAndChannels(views);
        int b = views.getFirst().size(0);
        Tensor globals = Tensor.concat(0, views.get(0), views.get(1)); // (2B, C, H, W)
        Tensor maskIndex = MaskIndices.flat(masks); // (M)
        double temp = teacherTemperature.at(step.epoch());
        Targets targets = teacherTargets(globals, maskIndex, temp, b);

        // student: masked global crops, then the local crops per resolution group
        MaskableVit.Output global = state.student.backbone.forward(Var.of(globals), masks);
        int d = global.cls().size(1), n = global.patches().size(1), m = views.size() - 2;
        int masked = maskIndex.numel();
        List<Var> headInputs = new ArrayList<>();
        if (m > 0)
            headInputs.add(MultiCrop.forward(
                    views.subList(2, views.size()),
                    x -> state.student.backbone.forward(x, null).cls()));
        headInputs.add(global.cls());
        if (masked > 0) headInputs.add(global.patches().reshape(2 * b * n, d).indexSelect(0, maskIndex)); // (M, D)
        Var headOut = state.student.dinoHead.forward(Var.concat(0, headInputs)); // (m*B + 2B + M, K)
        Var localOut = m > 0 ? headOut.narrow(0, 0, m * b) : null;
        Var globalOut = headOut.narrow(0, m * b, 2 * b);

        double terms = 2 + Math.max(2 * m, 1);
        Var dino = crossEntropy(globalOut, targets.cls).mul(2);
        for (int v = 0; v < m; v++) {
            Var s = localOut.narrow(0, v * b, b);
            for (int i = 0; i < 2; i++) dino = dino.add(crossEntropy(s, targets.cls.narrow(0, i * b, b)));
        }
        dino = dino.div(terms);
        Var koleo = KoLeoLoss.loss(global.cls().narrow(0, 0, b))
                .add(KoLeoLoss.loss(global.cls().narrow(0, b, b)));
        // no masked patch in the whole batch (possible on tiny grids): the iBOT term is 0
        Var ibot = masked > 0
                ? state.ibotPatchLoss.forwardMasked(headOut.narrow(0, (m + 2) * b, masked), targets.patches, masks)
                : Var.of(Tensor.scalar(0f));
        Var total = dino.mul(cfg.dinoWeight()).add(koleo.mul(cfg.koleoWeight())).add(ibot.mul(cfg.ibotWeight()));
        lastMetrics.put("teacher_temp", temp);
        lastMetrics.put("dino_loss", dino.item());
        lastMetrics.put("koleo_loss", koleo.item());
        lastMetrics.put("ibot_loss", ibot.item());
        return total;
    }

    private record Targets(Tensor cls, Tensor patches) {}

    // teacher targets: CLS (2B, K) with the crops swapped, masked patches (M, K) or null for M = 0; centres updated
    // after
    private Targets teacherTargets(Tensor globals, Tensor maskIndex, double temp, int b) {
        try (var scope = GradMode.disable()) {
            MaskableVit.Output out = state.teacher.backbone.forward(Var.of(globals), null);
            Tensor cls = out.cls().data(); // (2B, D)
            Tensor swapped = Tensor.concat(0, cls.narrow(0, b, b), cls.narrow(0, 0, b));
            int d = cls.size(1), n = out.patches().size(1);
            int masked = maskIndex.numel();
            Tensor headIn = masked == 0
                    ? swapped
                    : Tensor.concat(
                            0,
                            swapped,
                            out.patches().data().reshape(2 * b * n, d).indexSelect(0, maskIndex)); // (2B + M, D)
            Tensor headOut = state.teacher.dinoHead.forward(Var.of(headIn)).data();
            Tensor clsOut = headOut.narrow(0, 0, 2 * b),
                    maskedOut = masked == 0 ? null : headOut.narrow(0, 2 * b, masked);
            if (cfg.centering() == Centering.SINKHORN_KNOPP) {
                return new Targets(
                        SinkhornKnopp.apply(clsOut, temp, SinkhornKnopp.ITERATIONS, comm),
                        maskedOut == null
                                ? null
                                : SinkhornKnopp.apply(maskedOut, temp, SinkhornKnopp.ITERATIONS, comm));
            }
            Tensor clsTargets = state.dinoLoss.teacherProbabilities(clsOut, temp);
            state.dinoLoss.updateCenter(clsOut);
            Tensor patchTargets = null;
            if (maskedOut != null) {
                patchTargets = state.ibotPatchLoss.softmaxCenterTeacher(maskedOut, temp);
                state.ibotPatchLoss.updateCenter(maskedOut);
            }
            return new Targets(clsTargets, patchTargets);
        }
    }

    // -mean over rows of sum_k t log_softmax(s / studentTemp); s (R, K), t (R, K)
    private Var crossEntropy(Var student, Tensor teacher) {
        Var logProbs = student.div(cfg.studentTemp()).logSoftmax(-1);
        return Var.of(teacher).mul(logProbs).sum(false, 1).mean().neg();
    }

    /** Drops the last layer's gradients during the first freezeLastLayerEpochs epochs. */
    @Override
    public void beforeOptimizerStep(StepInfo step) {
        if (step.epoch() >= cfg.freezeLastLayerEpochs()) return;
        trainable.forEach((name, p) -> {
            if (name.contains("last_layer")) p.zeroGrad();
        });
    }

    @Override
    public void afterOptimizerStep(StepInfo step) {
        lastMetrics.put("teacher_momentum", ema.update(step));
    }

    @Override
    public Map<String, Double> metrics() {
        return Map.copyOf(lastMetrics);
    }

    /** The teacher backbone under plain timm ViT names (what DINOv2 evaluates). */
    public Map<String, Tensor> teacherBackboneStateDict() {
        return state.teacher.backbone.vitStateDict();
    }
}
