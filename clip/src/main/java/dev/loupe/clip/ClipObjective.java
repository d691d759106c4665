package dev.loupe.clip;

import dev.loupe.autograd.Var;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.dist.Communicator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CLIP training: the batch's first view through the image tower, its captions (tokenised to the
 * model's context length) through the text tower, {@link ClipLoss}; logit_scale clamped to [0, ln 100]
 * after every optimiser step. Metrics: logit_scale (exp of the parameter), clip_loss.
 */
public final class ClipObjective implements Objective<Batch> {
    private final ClipModel model;
    private final Tokenizer tokenizer;
    private Communicator comm = Communicator.single();
    private double lastLoss = Double.NaN;

    public ClipObjective(ClipModel model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        Captions.checkVocabulary(model, tokenizer);
    }

    @Override
    public Module module() {
        return model;
    }

    @Override
    public Map<String, Var> trainableParameters() {
        return model.namedParameters();
    }

    @Override
    public Var loss(Batch batch, StepInfo step) {
        Var image = model.encodeImage(batch.images()); // (B, E)
        Var text = model.encodeText(
                Captions.ids(batch, tokenizer, model.textConfig().ctx())
                        .to(batch.images().device())); // (B, E)
        Var loss = ClipLoss.loss(image, text, model.logitScale, comm);
        lastLoss = loss.item();
        return loss;
    }

    @Override
    public void afterOptimizerStep(StepInfo step) {
        model.clampLogitScale();
    }

    /** The contrastive loss against the embeddings of every rank. */
    @Override
    public void distribute(Communicator comm) {
        this.comm = comm;
    }

    @Override
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("logit_scale", model.logitScaleValue());
        m.put("clip_loss", lastLoss);
        return m;
    }
}
