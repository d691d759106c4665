package dev.loupe.clip;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.clip.slip.SlipLoss;
import dev.loupe.clip.slip.SlipModel;
import dev.loupe.clip.slip.SlipObjective;
import dev.loupe.clip.tokenizer.BpeTrainer;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.text.TextConfig;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A few optimiser steps of the CLIP and SLIP objectives on tiny towers; checkpoint names; logit-scale clamp. */
class ClipObjectiveTest {
    private static final List<String> CAPTIONS =
            List.of("a red square", "a green circle", "a blue stripe", "a dark corner");
    private static final Tokenizer TOKENIZER =
            new Tokenizer(new BpeTrainer().addAll(CAPTIONS).train(BpeTrainer.BASE_VOCAB + 20));

    private static ClipConfig tinyConfig() {
        return new ClipConfig(
                new ClipVisionConfig(8, 4, 16, 1, 2, 8), new TextConfig(TOKENIZER.vocabSize(), 8, 16, 1, 2, 8));
    }

    private static Tensor images(long seed) {
        return Tensor.rand(new Rng(seed), 4, 3, 8, 8);
    }

    private static Batch batch(Tensor... views) {
        return new Batch(List.of(views), null, CAPTIONS, List.of("0", "1", "2", "3"));
    }

    @Test
    void namesFollowOpenClip() {
        Map<String, Tensor> state = new ClipModel(tinyConfig(), new Rng(1)).stateDict();
        for (String name : List.of(
                "token_embedding.weight",
                "positional_embedding",
                "transformer.resblocks.0.attn.in_proj_weight",
                "ln_final.weight",
                "text_projection",
                "logit_scale",
                "visual.conv1.weight",
                "visual.class_embedding",
                "visual.positional_embedding",
                "visual.ln_pre.bias",
                "visual.transformer.resblocks.0.mlp.c_proj.weight",
                "visual.ln_post.weight",
                "visual.proj")) {
            assertTrue(state.containsKey(name), name);
        }
        assertFalse(state.containsKey("visual.conv1.bias"));
        assertEquals(0, state.get("logit_scale").rank());
        assertEquals(Math.log(1 / 0.07), state.get("logit_scale").item(), 1e-6);
        assertArrayEquals(
                new int[] {5, 16}, state.get("visual.positional_embedding").sizes());
    }

    @Test
    void clipTrainingLowersTheLossAndKeepsTheScaleClamped() {
        ClipModel model = new ClipModel(tinyConfig(), new Rng(2));
        ClipObjective objective = new ClipObjective(model, TOKENIZER);
        AdamW opt = new AdamW(ParamGroup.single(objective.trainableParameters()), 3e-3, 0.9, 0.98, 1e-8, 0.0);
        Batch batch = batch(images(5));
        double first = Double.NaN, last = Double.NaN;
        for (int step = 0; step < 20; step++) {
            StepInfo info = new StepInfo(step, 20, 0, 20);
            opt.zeroGrad();
            Var loss = objective.loss(batch, info);
            loss.backward();
            opt.step();
            objective.afterOptimizerStep(info);
            if (step == 0) first = loss.item();
            last = loss.item();
            double s = model.logitScale.item();
            assertTrue(s >= 0 && s <= Math.log(100) + 1e-6, "logit scale " + s + " in [0, ln 100]");
        }
        assertTrue(last < 0.75 * first, "loss " + first + " -> " + last);
        assertEquals(last, objective.metrics().get("clip_loss"), 1e-9);
        assertEquals(Math.exp(model.logitScale.item()), objective.metrics().get("logit_scale"), 1e-9);

        model.logitScale.updateInPlace(d -> d.fill(5.0));
        objective.afterOptimizerStep(new StepInfo(25, 26, 0, 26));
        assertEquals(Math.log(100), model.logitScale.item(), 1e-6, "clamped to ln 100");
        model.logitScale.updateInPlace(d -> d.fill(-1.0));
        objective.afterOptimizerStep(new StepInfo(25, 26, 0, 26));
        assertEquals(0.0, model.logitScale.item(), 0.0, "clamped to 0");
    }

    @Test
    void slipTrainingLowersBothTerms() {
        SlipModel model = new SlipModel(tinyConfig(), 32, 8, new Rng(3));
        assertTrue(model.stateDict().containsKey("image_mlp.bn2.running_var"));
        SlipObjective objective = new SlipObjective(model, TOKENIZER);
        AdamW opt = new AdamW(ParamGroup.single(objective.trainableParameters()), 3e-3, 0.9, 0.98, 1e-8, 0.0);
        Batch batch = batch(images(6), images(7), images(8));
        Map<String, Double> first = null;
        for (int step = 0; step < 12; step++) {
            StepInfo info = new StepInfo(step, 12, 0, 12);
            opt.zeroGrad();
            Var loss = objective.loss(batch, info);
            Map<String, Double> m = objective.metrics();
            assertEquals(m.get("clip_loss") + m.get("ssl_loss"), loss.item(), 1e-4, "ssl scale 1");
            loss.backward();
            opt.step();
            objective.afterOptimizerStep(info);
            if (step == 0) first = m;
        }
        Map<String, Double> last = objective.metrics();
        assertTrue(last.get("clip_loss") < first.get("clip_loss"), first + " -> " + last);
        assertTrue(last.get("ssl_loss") < first.get("ssl_loss"), first + " -> " + last);
        assertThrows(IllegalArgumentException.class, () -> objective.loss(batch(images(6)), new StepInfo(0, 1, 0, 1)));
    }

    /** The objective batches the three views through the image tower; the loss is that of each view embedded alone. */
    @Test
    void slipLossEqualsEmbeddingEachViewAlone() {
        SlipModel model = new SlipModel(tinyConfig(), 32, 8, new Rng(5));
        SlipObjective objective = new SlipObjective(model, TOKENIZER);
        Batch batch = batch(images(6), images(7), images(8));
        double together = objective.loss(batch, new StepInfo(0, 1, 0, 1)).item();
        Var image = model.encodeImage(batch.views().get(0));
        Var text = model.encodeText(
                Captions.ids(batch, TOKENIZER, model.textConfig().ctx()));
        Var za = model.sslEmbed(batch.views().get(1)),
                zb = model.sslEmbed(batch.views().get(2));
        double alone = SlipLoss.loss(image, text, model.logitScale, za, zb, 1.0, 0.1, Communicator.single())
                .total()
                .item();
        assertEquals(alone, together, 1e-5 * Math.abs(alone));
    }

    @Test
    void rejectsBatchesWithoutCaptionsAndTooLargeTokenizers() {
        ClipModel model = new ClipModel(tinyConfig(), new Rng(4));
        ClipObjective objective = new ClipObjective(model, TOKENIZER);
        Batch noCaptions = new Batch(List.of(images(1)), null, null, List.of("0", "1", "2", "3"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> objective.loss(noCaptions, new StepInfo(0, 1, 0, 1)));
        assertTrue(e.getMessage().contains("caption"), e.getMessage());
        ClipConfig small = new ClipConfig(new ClipVisionConfig(8, 4, 16, 1, 2, 8), new TextConfig(100, 8, 16, 1, 2, 8));
        assertThrows(
                IllegalArgumentException.class, () -> new ClipObjective(new ClipModel(small, new Rng(1)), TOKENIZER));
    }
}
