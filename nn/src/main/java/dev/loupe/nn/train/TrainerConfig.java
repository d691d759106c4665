package dev.loupe.nn.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the generic {@link Trainer} needs besides the objective and the data. Learning rate and
 * weight decay follow per-iteration cosine schedules (DINO's cosine_scheduler): lr warms up linearly
 * from 0 to {@code lr} over the warm-up, then decays to {@code minLr}; weight decay goes from
 * {@code weightDecay} to {@code weightDecayEnd} without warm-up.
 *
 * @param epochs          epochs to train, 0 when only {@code maxSteps} bounds the run
 * @param maxSteps        optimiser steps to train, 0 for epochs * batches per epoch; with both, the smaller
 * @param lr              peak learning rate (after warm-up)
 * @param minLr           final learning rate of the cosine
 * @param warmupSteps     warm-up iterations; when 0, {@code warmupEpochs} * batches per epoch
 * @param warmupEpochs    warm-up in epochs (used when warmupSteps is 0)
 * @param weightDecay     weight decay at step 0
 * @param weightDecayEnd  weight decay at the end of the run
 * @param optimizer       AdamW, SGD or LARS
 * @param beta1           AdamW beta1
 * @param beta2           AdamW beta2
 * @param eps             AdamW epsilon
 * @param momentum        SGD / LARS momentum
 * @param clip            gradient clipping mode
 * @param clipMax         clipping limit (global or per-parameter norm)
 * @param layerDecay      layer-wise lr decay for ViT parameters named blocks.{i}.*; 1 for none
 * @param checkpointEvery write a checkpoint every this many steps (0: only at epoch ends and the end)
 * @param keepCheckpoints how many of the newest checkpoints to keep (at least 1)
 * @param evalEvery       run the evaluation every this many steps (0: only at epoch ends)
 * @param seed            run seed: dropout / drop-path randomness of step s is a function of (seed, s)
 */
public record TrainerConfig(
        int epochs,
        long maxSteps,
        double lr,
        double minLr,
        long warmupSteps,
        double warmupEpochs,
        double weightDecay,
        double weightDecayEnd,
        OptimizerKind optimizer,
        double beta1,
        double beta2,
        double eps,
        double momentum,
        GradClipMode clip,
        double clipMax,
        double layerDecay,
        long checkpointEvery,
        int keepCheckpoints,
        long evalEvery,
        long seed) {

    public TrainerConfig {
        if (epochs < 0 || maxSteps < 0 || (epochs == 0 && maxSteps == 0)) {
            throw new IllegalArgumentException(
                    "training needs epochs > 0 or max steps > 0, got epochs " + epochs + ", max steps " + maxSteps);
        }
        if (!(lr > 0) || !(minLr >= 0) || !Double.isFinite(lr) || !Double.isFinite(minLr)) {
            throw new IllegalArgumentException("need a finite lr > 0 and min lr >= 0, got " + lr + ", " + minLr);
        }
        if (warmupSteps < 0 || warmupEpochs < 0)
            throw new IllegalArgumentException(
                    "warm-up must be >= 0, got " + warmupSteps + " steps, " + warmupEpochs + " epochs");
        if (!(weightDecay >= 0)
                || !(weightDecayEnd >= 0)
                || !Double.isFinite(weightDecay)
                || !Double.isFinite(weightDecayEnd)) {
            throw new IllegalArgumentException(
                    "weight decay must be >= 0, got " + weightDecay + " -> " + weightDecayEnd);
        }
        if (clip != GradClipMode.NONE && !(clipMax > 0 && Double.isFinite(clipMax)))
            throw new IllegalArgumentException("clipping " + clip + " needs a limit > 0, got " + clipMax);
        if (!(layerDecay > 0 && layerDecay <= 1))
            throw new IllegalArgumentException("layer decay must be in (0, 1], got " + layerDecay);
        if (checkpointEvery < 0 || evalEvery < 0)
            throw new IllegalArgumentException("checkpoint / eval intervals must be >= 0");
        if (keepCheckpoints < 1)
            throw new IllegalArgumentException("keep at least 1 checkpoint, got " + keepCheckpoints);
    }

    /** Total optimiser steps for a source with {@code batchesPerEpoch} batches per epoch. */
    public long totalSteps(int batchesPerEpoch) {
        long byEpochs = (long) epochs * batchesPerEpoch;
        if (epochs == 0) return maxSteps;
        return maxSteps == 0 ? byEpochs : Math.min(byEpochs, maxSteps);
    }

    /** Warm-up iterations, capped at the run length. */
    public long resolvedWarmupSteps(int batchesPerEpoch) {
        long w = warmupSteps > 0 ? warmupSteps : Math.round(warmupEpochs * batchesPerEpoch);
        return Math.min(w, totalSteps(batchesPerEpoch));
    }

    /**
     * The settings a resumed run must share with the run that wrote the checkpoint (schedules,
     * optimiser, seed), as strings; intervals and retention may change between runs.
     */
    public Map<String, String> resumeKey() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epochs", Integer.toString(epochs));
        m.put("max_steps", Long.toString(maxSteps));
        m.put("lr", Double.toString(lr));
        m.put("min_lr", Double.toString(minLr));
        m.put("warmup_steps", Long.toString(warmupSteps));
        m.put("warmup_epochs", Double.toString(warmupEpochs));
        m.put("weight_decay", Double.toString(weightDecay));
        m.put("weight_decay_end", Double.toString(weightDecayEnd));
        m.put("optimizer", optimizer.name());
        m.put("beta1", Double.toString(beta1));
        m.put("beta2", Double.toString(beta2));
        m.put("eps", Double.toString(eps));
        m.put("momentum", Double.toString(momentum));
        m.put("clip", clip.name());
        m.put("clip_max", Double.toString(clipMax));
        m.put("layer_decay", Double.toString(layerDecay));
        m.put("seed", Long.toString(seed));
        return m;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change a few fields by name. */
    public Builder toBuilder() {
        return builder()
                .epochs(epochs)
                .maxSteps(maxSteps)
                .lr(lr)
                .minLr(minLr)
                .warmupSteps(warmupSteps)
                .warmupEpochs(warmupEpochs)
                .weightDecay(weightDecay)
                .weightDecayEnd(weightDecayEnd)
                .optimizer(optimizer)
                .betas(beta1, beta2)
                .eps(eps)
                .momentum(momentum)
                .clip(clip, clipMax)
                .layerDecay(layerDecay)
                .checkpointEvery(checkpointEvery)
                .keepCheckpoints(keepCheckpoints)
                .evalEvery(evalEvery)
                .seed(seed);
    }

    /** Defaults: AdamW (0.9, 0.999, 1e-8), min lr 0, no warm-up, no weight decay, no clipping, keep 3 checkpoints. */
    public static final class Builder {
        private int epochs;
        private long maxSteps;
        private double lr = 1e-3, minLr, warmupEpochs, weightDecay, weightDecayEnd = Double.NaN;
        private long warmupSteps;
        private OptimizerKind optimizer = OptimizerKind.ADAMW;
        private double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, momentum = 0.9, clipMax, layerDecay = 1.0;
        private GradClipMode clip = GradClipMode.NONE;
        private long checkpointEvery, evalEvery, seed;
        private int keepCheckpoints = 3;

        private Builder() {}

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder maxSteps(long v) {
            maxSteps = v;
            return this;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder minLr(double v) {
            minLr = v;
            return this;
        }

        public Builder warmupSteps(long v) {
            warmupSteps = v;
            return this;
        }

        public Builder warmupEpochs(double v) {
            warmupEpochs = v;
            return this;
        }
        /** Constant weight decay unless {@link #weightDecayEnd} is also set. */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder weightDecayEnd(double v) {
            weightDecayEnd = v;
            return this;
        }

        public Builder optimizer(OptimizerKind v) {
            optimizer = v;
            return this;
        }

        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder eps(double v) {
            eps = v;
            return this;
        }

        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        public Builder clip(GradClipMode mode, double max) {
            clip = mode;
            clipMax = max;
            return this;
        }

        public Builder layerDecay(double v) {
            layerDecay = v;
            return this;
        }

        public Builder checkpointEvery(long v) {
            checkpointEvery = v;
            return this;
        }

        public Builder keepCheckpoints(int v) {
            keepCheckpoints = v;
            return this;
        }

        public Builder evalEvery(long v) {
            evalEvery = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public TrainerConfig build() {
            return new TrainerConfig(
                    epochs,
                    maxSteps,
                    lr,
                    minLr,
                    warmupSteps,
                    warmupEpochs,
                    weightDecay,
                    Double.isNaN(weightDecayEnd) ? weightDecay : weightDecayEnd,
                    optimizer,
                    beta1,
                    beta2,
                    eps,
                    momentum,
                    clip,
                    clipMax,
                    layerDecay,
                    checkpointEvery,
                    keepCheckpoints,
                    evalEvery,
                    seed);
        }
    }
}
