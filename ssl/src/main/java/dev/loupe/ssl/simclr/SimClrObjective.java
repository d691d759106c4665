package dev.loupe.ssl.simclr;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.dist.DataParallel;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.BlockMasking;
import dev.loupe.ssl.common.MultiCrop;
import dev.loupe.ssl.mae.MaeLoss;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SimCLR with a ViT (SLIP's SIMCLR model): the views go through the backbone (its pooled features;
 * views of one size together, as DINO's MultiCropWrapper, which changes nothing per image) and each
 * view through the projection head on its own (its batch norm sees one view, as in SLIP), and
 * {@link NtXentLoss} scores the pair. Views beyond two are multi-crop local views, scored with
 * {@link NtXentLoss#multiCrop}. Names: visual.* (timm ViT names), image_mlp.* ({@link SimClrHead}).
 *
 * <p>With {@link MaskedImageModelling} the two full views go through the backbone with DINOv2's block masks
 * (masked patch embeddings replaced by a learned mask_token, zero at start, as DINOv2's) and a linear
 * mim_head (SimMIM's 1x1-conv decoder: D -> p*p*C per patch token) predicts the masked patches' pixels;
 * the loss is NT-Xent + weight x {@link MaskedPixelLoss}. The contrastive term then compares the masked views.
 */
public final class SimClrObjective implements Objective<Batch> {
    /** Backbone and head (and the mask token and pixel head of the masked-image term). */
    public static final class Model extends Module {
        public final VisionTransformer visual;
        public final SimClrHead imageMlp;
        /** (1, D), or null without the masked-image term. */
        public final Var maskToken;
        /** D -> p*p*C, or null without the masked-image term. */
        public final Linear mimHead;

        Model(ViTConfig vit, int hiddenDim, int outDim, boolean maskedImage, Rng rng) {
            if (vit.numClasses() != 0)
                throw new IllegalArgumentException(
                        "SimCLR backbone must have no classification head, got numClasses " + vit.numClasses());
            visual = child("visual", new VisionTransformer(vit, rng.split()));
            imageMlp = child("image_mlp", new SimClrHead(vit.dim(), hiddenDim, outDim, rng.split()));
            maskToken = maskedImage ? param("mask_token", Tensor.zeros(1, vit.dim())) : null;
            mimHead = maskedImage
                    ? child(
                            "mim_head",
                            new Linear(vit.dim(), vit.patch() * vit.patch() * vit.channels(), true, rng.split()))
                    : null;
        }

        /** images (B, C, H, W) -> projections (B, out). */
        public Var embed(Var images) {
            return imageMlp.forward(visual.forwardFeatures(images));
        }
    }

    private final Model model;
    private final double temperature;
    private final MaskedImageModelling maskedImage;
    private final BlockMasking masking;
    private Communicator comm = Communicator.single();
    private double lastContrast = Double.NaN, lastPixels = Double.NaN;

    /**
     * @param hiddenDim   head width (SLIP 4096)
     * @param outDim      projection width (SLIP 256, SimCLR 128)
     * @param temperature NT-Xent tau (0.1; 0.5 in the CIFAR recipe)
     */
    public SimClrObjective(ViTConfig vit, int hiddenDim, int outDim, double temperature, Rng rng) {
        this(vit, hiddenDim, outDim, temperature, null, rng);
    }

    /** As above, plus SimMIM's masked-pixel term when {@code maskedImage} is not null. */
    public SimClrObjective(
            ViTConfig vit, int hiddenDim, int outDim, double temperature, MaskedImageModelling maskedImage, Rng rng) {
        if (!(temperature > 0))
            throw new IllegalArgumentException("SimCLR temperature must be > 0, got " + temperature);
        this.model = new Model(vit, hiddenDim, outDim, maskedImage != null, rng);
        this.temperature = temperature;
        this.maskedImage = maskedImage;
        this.masking = maskedImage == null ? null : BlockMasking.dinov2(vit.gridSize());
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
        if (maskedImage == null) {
            List<Var> projections = // V x (B, out)
                    MultiCrop.perView(views, model.visual::forwardFeatures, model.imageMlp::forward);
            return NtXentLoss.multiCrop(projections, temperature, comm);
        }
        // masks of the 2 full views of the global batch (2 W B, N); this rank keeps its rows (2 B, N)
        int images = 2 * views.getFirst().size(0) * comm.worldSize();
        Tensor masks = masking.batch(
                images,
                maskedImage.maskProbability(),
                maskedImage.maskRatioMin(),
                maskedImage.maskRatioMax(),
                step.rng());
        return loss(batch, DataParallel.rowsOfThisRank(comm, masks));
    }

    /**
     * The loss with the masked-image term and given masks.
     *
     * @param masks BOOL (2B, N): the masked patches of the two full views, view 0's B images first
     */
    public Var loss(Batch batch, Tensor masks) {
        if (maskedImage == null) throw new IllegalStateException("this SimCLR objective has no masked-image term");
        List<Tensor> views = batch.views();
        MultiCrop.requireSameBatchAndChannels(views);
        Tensor v0 = views.get(0), v1 = views.get(1);
        if (v0.size(2) != v1.size(2) || v0.size(3) != v1.size(3))
            throw new IllegalArgumentException("SimCLR's masked-image term needs two full views of one size, got "
                    + v0.shape() + " and " + v1.shape());
        int b = v0.size(0);
        VisionTransformer vit = model.visual;
        Tensor globals = Tensor.concat(0, v0, v1); // (2B, C, H, W)
        Var tokens = vit.forwardTokens(Var.of(globals), masks, model.maskToken); // (2B, T, D)
        Var features = vit.pool(tokens); // (2B, D)
        List<Var> projections = new ArrayList<>(views.size()); // V x (B, out)
        projections.add(model.imageMlp.forward(features.narrow(0, 0, b)));
        projections.add(model.imageMlp.forward(features.narrow(0, b, b)));
        if (views.size() > 2)
            projections.addAll(
                    MultiCrop.perView(views.subList(2, views.size()), vit::forwardFeatures, model.imageMlp::forward));
        Var contrast = NtXentLoss.multiCrop(projections, temperature, comm);

        int skip = 1 + vit.config().registers(), n = tokens.size(1) - skip;
        Var pred = model.mimHead.forward(tokens.narrow(1, skip, n)); // (2B, N, p*p*C)
        Tensor target = MaeLoss.patchify(globals, vit.config().patch()); // (2B, N, p*p*C)
        Var pixels = MaskedPixelLoss.loss(pred, target, masks, globals.size(1));
        lastContrast = contrast.item();
        lastPixels = pixels.item();
        return contrast.add(pixels.mul(maskedImage.weight()));
    }

    /** With the masked-image term: its two parts of the last step, ntxent and masked_pixels (unweighted). */
    @Override
    public Map<String, Double> metrics() {
        if (maskedImage == null) return Map.of();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ntxent", lastContrast);
        m.put("masked_pixels", lastPixels);
        return m;
    }
}
