package dev.loupe.ssl.byol;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BYOL (Grill et al. 2020) with a ViT. The online network (backbone, projector) and the predictor are
 * trained; the target network (a copy of the online network at start, never trained by gradients)
 * follows it by EMA with momentum tau rising from its base to 1 on a cosine over the run. For two
 * views v1, v2: loss = {@link ByolLoss}(predictor(online(v1)), target(v2)) + the same with the views
 * swapped. The target runs in training mode without gradients, its batch norms on batch statistics,
 * as in the reference.
 *
 * <p>State names: online.backbone.* (timm ViT names), online.projector.*, predictor.*,
 * target.backbone.*, target.projector.*.
 */
public final class ByolObjective implements Objective<Batch> {
    /** Backbone and projector: BYOL's online or target network. */
    public static final class Network extends Module {
        public final VisionTransformer backbone;
        public final ByolMlp projector;

        Network(ViTConfig vit, int hiddenDim, int outDim, Rng rng) {
            backbone = child("backbone", new VisionTransformer(vit, rng.split()));
            projector = child("projector", new ByolMlp(vit.dim(), hiddenDim, outDim, rng.split()));
        }

        /** images (B, C, H, W) -> projections (B, out). */
        public Var embed(Var images) {
            return projector.forward(backbone.forwardFeatures(images));
        }
    }

    /** The module a checkpoint holds. */
    public static final class State extends Module {
        public final Network online, target;
        public final ByolMlp predictor;

        State(ViTConfig vit, int hiddenDim, int outDim, Rng rng) {
            if (vit.numClasses() != 0)
                throw new IllegalArgumentException(
                        "BYOL backbone must have no classification head, got numClasses " + vit.numClasses());
            online = child("online", new Network(vit, hiddenDim, outDim, rng.split()));
            predictor = child("predictor", new ByolMlp(outDim, hiddenDim, outDim, rng.split()));
            target = child("target", new Network(vit.withDropPath(0), hiddenDim, outDim, rng.split()));
        }
    }

    private final State state;
    private final EmaTeacher target;
    private final Map<String, Var> trainable = new LinkedHashMap<>();

    /**
     * @param hiddenDim    projector and predictor width (BYOL 4096)
     * @param outDim       projection width (BYOL 256)
     * @param baseMomentum the target's EMA momentum at step 0 (BYOL 0.996; 0.99 in small-batch CIFAR recipes)
     */
    public ByolObjective(ViTConfig vit, int hiddenDim, int outDim, double baseMomentum, Rng rng) {
        if (!(baseMomentum >= 0 && baseMomentum <= 1))
            throw new IllegalArgumentException("BYOL momentum must be in [0, 1], got " + baseMomentum);
        this.state = new State(vit, hiddenDim, outDim, rng);
        this.target = new EmaTeacher(state.target, state.online, baseMomentum);
        state.online.namedParameters().forEach((name, p) -> trainable.put("online." + name, p));
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
    public Var loss(Batch batch, StepInfo step) {
        List<Tensor> views = MultiCrop.twoViews(batch.views(), "BYOL");
        // both views through each backbone at once, each view through the projector (batch norm) alone
        List<Tensor> t = MultiCrop.perViewConstant( // (B, out) target projections of each view
                views, state.target.backbone::forwardFeatures, state.target.projector::forward);
        List<Var> z = MultiCrop.perView(views, state.online.backbone::forwardFeatures, state.online.projector::forward);
        Var p1 = state.predictor.forward(z.get(0)), p2 = state.predictor.forward(z.get(1)); // (B, out)
        return ByolLoss.loss(p1, t.get(1)).add(ByolLoss.loss(p2, t.get(0)));
    }

    /** The target's EMA step with this step's momentum. */
    @Override
    public void afterOptimizerStep(StepInfo step) {
        target.update(step);
    }

    @Override
    public Map<String, Double> metrics() {
        return Map.of("target_momentum", target.lastMomentum());
    }

    /** The online backbone's weights under plain timm ViT names (what BYOL evaluates). */
    public Map<String, Tensor> onlineBackboneStateDict() {
        return state.online.backbone.stateDict();
    }
}
