package dev.loupe.ssl.mae;

import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.nn.VitWeights;
import dev.loupe.nn.dist.DataParallel;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.Map;

/**
 * MAE pre-training: the first view of each batch is masked per sample ({@link RandomMasking}, noise
 * from the step's Rng, {@link StepInfo#rng}, so a resumed run masks as the straight run did), encoded,
 * reconstructed, and scored by {@link MaeLoss} on the removed patches. Optimiser (AdamW betas 0.9 / 0.95,
 * wd 0.05) and schedules are the trainer's.
 */
public final class MaeObjective implements Objective<Batch> {
    private final MaskedAutoencoder model;
    private final RandomMasking masking;
    private Communicator comm = Communicator.single();

    public MaeObjective(MaeConfig cfg, Rng rng) {
        this.model = new MaskedAutoencoder(cfg, rng.split());
        this.masking = new RandomMasking(cfg.maskRatio());
    }

    @Override
    public MaskedAutoencoder module() {
        return model;
    }

    @Override
    public Map<String, Var> trainableParameters() {
        return model.namedParameters();
    }

    /** The encoder's metadata: a checkpoint's model.safetensors then reads back as the encoder ViT. */
    @Override
    public Map<String, String> weightsMetadata() {
        return VitWeights.metadata(model.config().encoder());
    }

    /** The masking noise is drawn for the global batch; each rank keeps its rows (as one process would draw). */
    @Override
    public void distribute(Communicator comm) {
        this.comm = comm;
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        Tensor images = batch.images(); // (B, C, H, W) on this rank
        int globalRows = images.size(0) * comm.worldSize();
        Tensor noise =
                Tensor.rand(step.rng(), globalRows, model.config().encoder().numPatches()); // (W B, L)
        return loss(images, DataParallel.rowsOfThisRank(comm, noise));
    }

    /** The loss of images (B, C, H, W) masked with the given noise (B, L). */
    public Var loss(Tensor images, Tensor noise) {
        MaskedAutoencoder.Output out = model.forward(Var.of(images), masking.fromNoise(noise));
        Tensor target = MaeLoss.patchify(images, model.config().encoder().patch());
        return MaeLoss.loss(out.pred(), target, out.mask(), model.config().normPixLoss());
    }
}
