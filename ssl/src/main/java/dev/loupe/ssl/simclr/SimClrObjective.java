package dev.loupe.ssl.simclr;

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
import java.util.List;
import java.util.Map;

/**
 * SimCLR with a ViT (SLIP's SIMCLR model): the views go through the backbone (its pooled features;
 * views of one size together, as DINO's MultiCropWrapper, which changes nothing per image) and each
 * view through the projection head on its own (its batch norm sees one view, as in SLIP), and
 * {@link NtXentLoss} scores the pair. Views beyond two are multi-crop local views, scored with
 * {@link NtXentLoss#multiCrop}. Names: visual.* (timm ViT names), image_mlp.* ({@link SimClrHead}).
 */
public final class SimClrObjective implements Objective<Batch> {
    /** Backbone and head. */
    public static final class Model extends Module {
        public final VisionTransformer visual;
        public final SimClrHead imageMlp;

        Model(ViTConfig vit, int hiddenDim, int outDim, Rng rng) {
            if (vit.numClasses() != 0)
                throw new IllegalArgumentException(
                        "SimCLR backbone must have no classification head, got numClasses " + vit.numClasses());
            visual = child("visual", new VisionTransformer(vit, rng.split()));
            imageMlp = child("image_mlp", new SimClrHead(vit.dim(), hiddenDim, outDim, rng.split()));
        }

        /** images (B, C, H, W) -> projections (B, out). */
        public Var embed(Var images) {
            return imageMlp.forward(visual.forwardFeatures(images));
        }
    }

    private final Model model;
    private final double temperature;
    private Communicator comm = Communicator.single();

    /**
     * @param hiddenDim   head width (SLIP 4096)
     * @param outDim      projection width (SLIP 256, SimCLR 128)
     * @param temperature NT-Xent tau (0.1; 0.5 in the CIFAR recipe)
     */
    public SimClrObjective(ViTConfig vit, int hiddenDim, int outDim, double temperature, Rng rng) {
        if (!(temperature > 0))
            throw new IllegalArgumentException("SimCLR temperature must be > 0, got " + temperature);
        this.model = new Model(vit, hiddenDim, outDim, rng);
        this.temperature = temperature;
    }

    @Override
    public Model module() {
        return model;
    }

    @Override
    public Map<String, Var> trainableParameters() {
        return model.namedParameters();
    }

    /** NT-Xent against the projections of every rank (the head's batch norm is synchronised by the trainer). */
    @Override
    public void distribute(Communicator comm) {
        this.comm = comm;
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        List<Tensor> views = batch.views();
        if (views.size() < 2)
            throw new IllegalArgumentException("SimCLR needs at least 2 views per batch, got " + views.size());
        List<Var> projections = // V x (B, out)
                MultiCrop.perView(views, model.visual::forwardFeatures, model.imageMlp::forward);
        return NtXentLoss.multiCrop(projections, temperature, comm);
    }
}
