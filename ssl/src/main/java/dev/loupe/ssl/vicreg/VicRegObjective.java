package dev.loupe.ssl.vicreg;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.MultiCrop;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VICReg with a ViT (main_vicreg.py VICReg): each of the two views goes through the backbone (its
 * image representation: CLS or mean patch token) and the expander separately, and {@link VicRegLoss}
 * scores the pair. No teacher, no negatives: the variance and covariance terms keep the embeddings
 * from collapsing. Names: backbone.* (timm ViT names), projector.* ({@link VicRegExpander}), as the
 * reference's checkpoints.
 */
public final class VicRegObjective implements Objective<Batch> {
    /** Backbone and expander. */
    public static final class Model extends Module {
        public final VisionTransformer backbone;
        public final VicRegExpander projector;

        Model(ViTConfig vit, int hiddenDim, int outDim, Rng rng) {
            if (vit.numClasses() != 0)
                throw new IllegalArgumentException(
                        "VICReg backbone must have no classification head, got numClasses " + vit.numClasses());
            backbone = child("backbone", new VisionTransformer(vit, rng.split()));
            projector = child("projector", new VicRegExpander(vit.dim(), hiddenDim, outDim, rng.split()));
        }

        /** images (B, C, H, W) -> expander outputs (B, out). */
        public Var embed(Var images) {
            return projector.forward(backbone.forwardFeatures(images));
        }
    }

    private final Model model;
    private final VicRegLoss.Weights weights;
    private Communicator comm = Communicator.single();
    private double lastInvariance = Double.NaN, lastVariance = Double.NaN, lastCovariance = Double.NaN;

    /**
     * @param hiddenDim expander width (paper 8192)
     * @param outDim    embedding width the loss sees (paper 8192)
     * @param weights   invariance, variance and covariance weights (paper 25, 25, 1)
     */
    public VicRegObjective(ViTConfig vit, int hiddenDim, int outDim, VicRegLoss.Weights weights, Rng rng) {
        this.model = new Model(vit, hiddenDim, outDim, rng);
        this.weights = weights;
    }

    @Override
    public Model module() {
        return model;
    }

    @Override
    public Map<String, Var> trainableParameters() {
        return model.namedParameters();
    }

    /** Variance and covariance over the embeddings of every rank (the expander's batch norm is synchronised by the trainer). */
    @Override
    public void distribute(Communicator comm) {
        this.comm = comm;
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        List<Tensor> views = MultiCrop.twoViews(batch.views(), "VICReg");
        // both views through the backbone at once, each through the expander (batch norm) alone, as VICReg runs them
        List<Var> z = MultiCrop.perView(views, model.backbone::forwardFeatures, model.projector::forward);
        Var za = z.get(0), zb = z.get(1); // (B, out) each
        VicRegLoss.Terms t = VicRegLoss.loss(za, zb, weights, comm);
        lastInvariance = t.invariance().item();
        lastVariance = t.variance().item();
        lastCovariance = t.covariance().item();
        return t.loss();
    }

    /** The unweighted terms of the last step (invariance over this rank's rows). */
    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("invariance", lastInvariance);
        m.put("variance", lastVariance);
        m.put("covariance", lastCovariance);
        return m;
    }
}
