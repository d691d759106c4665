package dev.loupe.clip.slip;

import dev.loupe.autograd.Var;
import dev.loupe.clip.Captions;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.nn.Module;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.ssl.common.MultiCrop;
import dev.loupe.tensor.dist.Communicator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SLIP training. batch.views() = [CLIP view, SSL view 1, SSL view 2]: the CLIP view and the captions
 * give the CLIP loss, the two SSL views go through the image tower (pre-projection features) and the
 * SimCLR head into NT-Xent; L = L_CLIP + sslScale * L_SimCLR ({@link SlipLoss}). logit_scale is
 * clamped to [0, ln 100] after every step. Metrics: logit_scale, clip_loss, ssl_loss.
 */
public final class SlipObjective implements Objective<Batch> {
    private final SlipModel model;
    private final Tokenizer tokenizer;
    private final double sslScale, temperature;
    private Communicator comm = Communicator.single();
    private double lastClip = Double.NaN, lastSsl = Double.NaN;

    /** SLIP's defaults: ssl scale 1.0, SimCLR temperature 0.1. */
    public SlipObjective(SlipModel model, Tokenizer tokenizer) {
        this(model, tokenizer, SlipLoss.DEFAULT_SSL_SCALE, SlipLoss.DEFAULT_TEMPERATURE);
    }

    public SlipObjective(SlipModel model, Tokenizer tokenizer, double sslScale, double temperature) {
        if (!(temperature > 0))
            throw new IllegalArgumentException("SLIP: SimCLR temperature must be > 0, got " + temperature);
        this.model = model;
        this.tokenizer = tokenizer;
        this.sslScale = sslScale;
        this.temperature = temperature;
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
        if (batch.views().size() != 3) {
            throw new IllegalArgumentException("SLIP needs 3 views per batch (CLIP view, 2 SSL views), got "
                    + batch.views().size() + " (keys " + batch.keys() + ")");
        }
        // the CLIP view and both SSL views through the image tower at once (views of one size together; nothing in
        // the tower mixes images), then the projection for the CLIP view and the batch-norm head per SSL view
        int b = batch.views().getFirst().size(0);
        Var features = MultiCrop.forward(batch.views(), model.visual::features); // (3B, W)
        Var image = features.narrow(0, 0, b).matmul(model.visual.proj); // (B, E): encodeImage(view 0)
        Var text = model.encodeText(
                Captions.ids(batch, tokenizer, model.textConfig().ctx())); // (B, E)
        Var za = model.imageMlp.forward(features.narrow(0, b, b)); // (B, P): sslEmbed(view 1)
        Var zb = model.imageMlp.forward(features.narrow(0, 2 * b, b)); // (B, P): sslEmbed(view 2)
        SlipLoss.Parts parts = SlipLoss.loss(image, text, model.logitScale, za, zb, sslScale, temperature, comm);
        lastClip = parts.clip().item();
        lastSsl = parts.ssl().item();
        return parts.total();
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
        m.put("clip_loss", lastClip);
        m.put("ssl_loss", lastSsl);
        return m;
    }
}
