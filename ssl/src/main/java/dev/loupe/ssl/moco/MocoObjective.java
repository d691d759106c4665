package dev.loupe.ssl.moco;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.MultiCrop;
import dev.loupe.ssl.dino.EmaTeacher;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MoCo v3 (Chen, Xie, He 2021) with a ViT. The base encoder (backbone, projector) and the predictor are
 * trained; the momentum encoder (a copy of the base encoder at start, never trained by gradients)
 * follows it by EMA with momentum m rising from its base to 1 on a cosine over the run. For two views
 * v1, v2 with queries q = predictor(base(v)) and keys k = momentum(v): loss = {@link MocoLoss}(q1, k2)
 * + {@link MocoLoss}(q2, k1), the other images' keys in the batch being the negatives. As in the
 * reference's ViT recipe the patch projection can stay at its random init ({@code freezePatchEmbed},
 * its --stop-grad-conv1). The reference moves the momentum encoder at the start of a step, Loupe after
 * the optimiser step (as BYOL here): the same sequence of weights, the schedule read one step later.
 *
 * <p>State names: base.backbone.* (timm ViT names), base.projector.*, predictor.*,
 * momentum.backbone.*, momentum.projector.*.
 */
public final class MocoObjective implements Objective<Batch> {
    /** Backbone and projector: MoCo's base or momentum encoder. */
    public static final class Encoder extends Module {
        public final VisionTransformer backbone;
        public final MocoMlp projector;

        Encoder(ViTConfig vit, int hiddenDim, int outDim, Rng rng) {
            backbone = child("backbone", new VisionTransformer(vit, rng.split()));
            projector = child("projector", new MocoMlp(3, vit.dim(), hiddenDim, outDim, rng.split()));
        }
    }

    /** The module a checkpoint holds. */
    public static final class State extends Module {
        public final Encoder base, momentum;
        public final MocoMlp predictor;

        State(ViTConfig vit, int hiddenDim, int outDim, Rng rng) {
            if (vit.numClasses() != 0)
                throw new IllegalArgumentException(
                        "MoCo backbone must have no classification head, got numClasses " + vit.numClasses());
            base = child("base", new Encoder(vit, hiddenDim, outDim, rng.split()));
            predictor = child("predictor", new MocoMlp(2, outDim, hiddenDim, outDim, rng.split()));
            momentum = child("momentum", new Encoder(vit.withDropPath(0), hiddenDim, outDim, rng.split()));
        }
    }

    private final State state;
    private final double temperature;
    private final EmaTeacher momentumEncoder;
    private final Map<String, Var> trainable = new LinkedHashMap<>();
    private Communicator comm = Communicator.single();

    /**
     * @param hiddenDim        projector and predictor width (MoCo v3 4096)
     * @param outDim           projection width (MoCo v3 256)
     * @param baseMomentum     the momentum encoder's EMA momentum at step 0 (MoCo v3 ViTs 0.99)
     * @param temperature      the contrastive temperature (MoCo v3 ViTs 0.2)
     * @param freezePatchEmbed keep the patch embedding (a conv stem included) at its random init (MoCo v3 ViTs: yes)
     */
    public MocoObjective(
            ViTConfig vit,
            int hiddenDim,
            int outDim,
            double baseMomentum,
            double temperature,
            boolean freezePatchEmbed,
            Rng rng) {
        if (!(baseMomentum >= 0 && baseMomentum <= 1))
            throw new IllegalArgumentException("MoCo momentum must be in [0, 1], got " + baseMomentum);
        if (!(temperature > 0)) throw new IllegalArgumentException("MoCo temperature must be > 0, got " + temperature);
        this.state = new State(vit, hiddenDim, outDim, rng);
        this.temperature = temperature;
        this.momentumEncoder = new EmaTeacher(state.momentum, state.base, baseMomentum);
        state.base.namedParameters().forEach((name, p) -> {
            if (!(freezePatchEmbed && name.startsWith("backbone.patch_embed."))) trainable.put("base." + name, p);
        });
        state.predictor.namedParameters().forEach((name, p) -> trainable.put("predictor." + name, p));
    }

    @Override
    public State module() {
        return state;
    }

    @Override
    public Map<String, Var> trainableParameters() {
        return trainable;
    }

    @Override
    public void distribute(Communicator comm) {
        this.comm = comm;
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        List<Tensor> views = MultiCrop.twoViews(batch.views(), "MoCo");
        // both views through each backbone at once, each view through the projector (batch norm) alone
        List<Tensor> k = MultiCrop.perViewConstant( // (B, out) keys of each view
                views, state.momentum.backbone::forwardFeatures, state.momentum.projector::forward);
        List<Var> z = MultiCrop.perView(views, state.base.backbone::forwardFeatures, state.base.projector::forward);
        Var q1 = state.predictor.forward(z.get(0)), q2 = state.predictor.forward(z.get(1)); // (B, out)
        return MocoLoss.loss(q1, k.get(1), temperature, comm).add(MocoLoss.loss(q2, k.get(0), temperature, comm));
    }

    /** The momentum encoder's EMA step with this step's momentum. */
    @Override
    public void afterOptimizerStep(StepInfo step) {
        momentumEncoder.update(step);
    }

    @Override
    public Map<String, Double> metrics() {
        return Map.of("momentum", momentumEncoder.lastMomentum());
    }

    /** The base backbone's weights under plain timm ViT names (what MoCo evaluates). */
    public Map<String, Tensor> baseBackboneStateDict() {
        return state.base.backbone.stateDict();
    }
}
