package dev.loupe.nn.train;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.nn.dist.DataParallel;
import dev.loupe.nn.dist.GradientBuckets;
import dev.loupe.nn.optim.AdamW;
import dev.loupe.nn.optim.CosineSchedule;
import dev.loupe.nn.optim.GradClip;
import dev.loupe.nn.optim.Lars;
import dev.loupe.nn.optim.Optimizer;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.optim.Sgd;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Reduction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The generic training loop shared by every objective. Per step: set lr and weight decay from
 * per-iteration cosine schedules, reseed the model's dropout / drop-path streams from (seed, step),
 * loss, backward, clip, {@link Objective#beforeOptimizerStep}, optimiser step,
 * {@link Objective#afterOptimizerStep}; then metrics to the listeners, and checkpoints and evaluations
 * on their intervals and at epoch ends.
 *
 * <p>Everything a step depends on is a function of the step index or is in the checkpoint (weights,
 * buffers, optimiser state, loop position), so {@link #resume} followed by {@link #fit} reproduces
 * the straight run bit for bit, given a {@link BatchSource} whose epochs depend only on the epoch.
 *
 * <p>Parameter groups: biases and 1-D parameters get no weight decay; with layer decay < 1, ViT
 * parameters (timm names, blocks.{i}.*) get layer-wise learning-rate scales.
 *
 * <p>Data parallel ({@link #distributed}): every rank runs this loop on its shard of each global
 * batch; rank 0's weights and buffers are broadcast when {@link #fit} starts, gradients are averaged
 * in buckets while backward runs ({@link GradientBuckets}), batch norm uses the global batch, the
 * logged loss is the average over ranks, and only rank 0 writes checkpoints and runs evaluations
 * (listeners are the caller's: attach the ones that write files on rank 0 only).
 *
 * @param <B> the batch type
 */
public final class Trainer<B> {
    private static final String RUN_PREFIX = "run.";
    private final Objective<B> objective;
    private final BatchSource<B> source;
    private final TrainerConfig config;
    private final Checkpoint checkpoints;
    private final Map<String, Var> trainable;
    private final Optimizer optimizer;
    private final StepBuffers stepBuffers = new StepBuffers();
    private final CosineSchedule lrSchedule, wdSchedule;
    private final int batchesPerEpoch;
    private final long totalSteps;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Evaluation evaluation;
    private Map<String, String> runSettings = Map.of();
    private long step;
    private int epoch;
    private long batchInEpoch;
    private Path lastCheckpoint;
    private long lastCheckpointStep = -1, lastEvalStep = -1;
    private Communicator comm = Communicator.single();
    private GradientBuckets buckets;

    /**
     * @param runDir the run folder whose {@code checkpoints/} sub-folder receives checkpoints, or null
     *               to train without checkpoints
     */
    public Trainer(Objective<B> objective, BatchSource<B> source, TrainerConfig config, Path runDir) {
        this(
                objective,
                source,
                config,
                runDir == null ? null : new Checkpoint(runDir.resolve("checkpoints"), config.keepCheckpoints()));
    }

    /** With the checkpoint folder given (tests give one whose writes fail like a full disk). */
    Trainer(Objective<B> objective, BatchSource<B> source, TrainerConfig config, Checkpoint checkpoints) {
        this.objective = objective;
        this.source = source;
        this.config = config;
        this.checkpoints = checkpoints;
        this.batchesPerEpoch = source.batchesPerEpoch();
        if (batchesPerEpoch < 1)
            throw new IllegalArgumentException("the data gives " + batchesPerEpoch
                    + " batches per epoch; need at least 1 (is the data set smaller than one batch?)");
        this.totalSteps = config.totalSteps(batchesPerEpoch);
        this.trainable = objective.trainableParameters();
        this.optimizer = buildOptimizer(paramGroups(trainable, config.layerDecay()), config);
        this.lrSchedule = new CosineSchedule(
                config.lr(), config.minLr(), totalSteps, config.resolvedWarmupSteps(batchesPerEpoch), 0.0);
        this.wdSchedule =
                new CosineSchedule(config.weightDecay(), config.weightDecayEnd(), totalSteps, 0, config.weightDecay());
    }

    private static List<ParamGroup> paramGroups(Map<String, Var> trainable, double layerDecay) {
        if (layerDecay == 1.0) return ParamGroup.decayAndNoDecay(trainable);
        int depth = 0;
        for (String name : trainable.keySet()) {
            if (name.startsWith("blocks.")) depth = Math.max(depth, ParamGroup.vitLayerId(name, Integer.MAX_VALUE));
        }
        if (depth == 0)
            throw new IllegalArgumentException("layer decay " + layerDecay
                    + " needs ViT parameters named blocks.{i}.*; none among " + trainable.keySet());
        return ParamGroup.layerwiseDecay(trainable, depth, layerDecay, 1.0);
    }

    private static Optimizer buildOptimizer(List<ParamGroup> groups, TrainerConfig c) {
        return switch (c.optimizer()) {
            case ADAMW -> new AdamW(groups, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay());
            case SGD -> new Sgd(groups, c.lr(), c.momentum(), false, c.weightDecay());
            case LARS -> new Lars(groups, c.lr(), c.momentum(), 0.001, c.weightDecay());
        };
    }

    public Trainer<B> addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Settings besides the trainer's that a resume must repeat (method, data, model, ...): stored in
     * every checkpoint beside {@link TrainerConfig#resumeKey} and compared with them by {@link #resume},
     * the one check of resume compatibility.
     */
    public Trainer<B> runSettings(Map<String, String> settings) {
        this.runSettings = Map.copyOf(settings);
        return this;
    }

    /** What a checkpoint stores and a resume compares: the trainer's settings and, under "run.", the run's. */
    private Map<String, String> resumeKey() {
        Map<String, String> key = new LinkedHashMap<>(config.resumeKey());
        new TreeMap<>(runSettings).forEach((k, v) -> key.put(RUN_PREFIX + k, v));
        return key;
    }

    /**
     * Trains as one of {@code comm.worldSize()} data-parallel ranks: gradients averaged in buckets of
     * at most {@code bucketBytes} ({@link GradientBuckets#DEFAULT_BUCKET_BYTES} as PyTorch), batch
     * norm synchronised, drop-path masks those of one process with the global batch, and
     * {@link Objective#distribute} called. The batch source must give this
     * rank's shard of every global batch. With one rank nothing changes.
     */
    public Trainer<B> distributed(Communicator comm, long bucketBytes) {
        this.comm = comm;
        if (buckets != null) buckets.close();
        buckets = comm.worldSize() > 1
                ? new GradientBuckets(new ArrayList<>(trainable.values()), comm, bucketBytes)
                : null;
        DataParallel.synchronizeBatchNorm(objective.module(), comm);
        DataParallel.shardDropPath(objective.module(), comm);
        objective.distribute(comm);
        return this;
    }

    /** The evaluation run at epoch ends and every {@link TrainerConfig#evalEvery} steps. */
    public Trainer<B> evaluation(Evaluation e) {
        this.evaluation = e;
        return this;
    }

    /**
     * Restores weights, buffers, optimiser state and loop position from the newest complete checkpoint
     * of {@code runDir}. Returns false (and changes nothing) when it has none.
     *
     * @throws IllegalStateException when the checkpoint was written with settings that change the
     *                               run (schedules, optimiser, seed); the message lists them
     */
    public boolean resume(Path runDir) {
        try {
            Optional<Path> dir = new Checkpoint(runDir.resolve("checkpoints"), config.keepCheckpoints()).latest();
            if (dir.isEmpty()) return false;
            Checkpoint.Loaded ck = Checkpoint.read(dir.get());
            requireSameSettings(ck);
            objective.module().loadStateDict(ck.model(), true);
            optimizer.loadStateDict(ck.optimizer());
            step = ck.position().step();
            epoch = ck.position().epoch();
            batchInEpoch = ck.position().batchInEpoch();
            lastCheckpoint = ck.directory();
            lastCheckpointStep = step;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + runDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a checkpoint written with other settings, naming each difference. A checkpoint from before
     * run settings were stored (no "run." entries) is compared on the trainer's settings alone.
     */
    private void requireSameSettings(Checkpoint.Loaded ck) {
        boolean storesRun = ck.config().keySet().stream().anyMatch(k -> k.startsWith(RUN_PREFIX));
        Map<String, String> now = new LinkedHashMap<>(resumeKey());
        if (!storesRun) now.keySet().removeIf(k -> k.startsWith(RUN_PREFIX));
        List<String> diffs = new ArrayList<>();
        now.forEach((k, v) -> {
            String then = ck.config().get(k);
            if (!v.equals(then))
                diffs.add(k.replaceFirst("^" + RUN_PREFIX, "") + ": checkpoint " + then + ", now " + v);
        });
        ck.config().keySet().stream()
                .filter(k -> !now.containsKey(k))
                .forEach(k -> diffs.add(k.replaceFirst("^" + RUN_PREFIX, "") + ": only in the checkpoint"));
        if (!diffs.isEmpty()) {
            throw new IllegalStateException("cannot resume from " + ck.directory() + ": the training settings differ ("
                    + String.join("; ", diffs) + "). Resume with the original settings or start a new run.");
        }
    }

    /** Trains until {@link #totalSteps()} steps are done (from wherever {@link #resume} left off). */
    public void fit() {
        Module module = objective.module();
        module.train(true);
        DataParallel.broadcastState(module, comm);
        long started = System.nanoTime();
        long samples = 0;
        boolean completed = false;
        try {
            while (step < totalSteps) {
                boolean epochDone;
                long stepsBefore = step;
                try (BatchSource.EpochIterator<B> it = source.epoch(epoch, batchInEpoch)) {
                    while (step < totalSteps && it.hasNext()) {
                        B batch = it.next();
                        StepInfo info = new StepInfo(step, totalSteps, epoch, batchesPerEpoch, config.seed());
                        double lr = lrSchedule.at(step), wd = wdSchedule.at(step);
                        double[] lossAndNorm = trainStep(batch, info, lr, wd);
                        step++;
                        batchInEpoch++;
                        samples += (long) source.samplesIn(batch) * comm.worldSize();
                        double seconds = (System.nanoTime() - started) / 1e9;
                        StepMetrics m = new StepMetrics(
                                step,
                                totalSteps,
                                epoch,
                                lossAndNorm[0],
                                lr,
                                wd,
                                lossAndNorm[1],
                                seconds > 0 ? samples / seconds : 0,
                                stepExtras());
                        listeners.forEach(l -> l.onStep(m));
                        if (config.evalEvery() > 0 && step % config.evalEvery() == 0) evaluate(epoch);
                        if (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) checkpoint();
                    }
                    epochDone = step < totalSteps || batchInEpoch >= batchesPerEpoch;
                }
                if (step == stepsBefore) {
                    // an epoch without a batch (every sample skipped) would loop forever
                    throw new IllegalStateException("epoch " + epoch + " gave no batches from batch " + batchInEpoch
                            + " on (were all samples skipped as bad?)");
                }
                if (epochDone) {
                    evaluate(epoch);
                    epoch++;
                    batchInEpoch = 0;
                    checkpoint();
                }
            }
            evaluate(step == 0 ? 0 : epochOfLastStep());
            checkpoint();
            completed = true;
        } finally {
            boolean done = completed;
            listeners.forEach(l -> l.onEnd(step, done));
        }
    }

    /** The epoch the last step belonged to (the position may already point at the next epoch). */
    private int epochOfLastStep() {
        return batchInEpoch == 0 ? epoch - 1 : epoch;
    }

    /** One optimiser step, its arrays reused from the last one ({@link StepBuffers}); returns {loss, global gradient norm or NaN}. */
    private double[] trainStep(B batch, StepInfo info, double lr, double wd) {
        return stepBuffers.run(objective.module(), optimizer, () -> step(batch, info, lr, wd));
    }

    private double[] step(B batch, StepInfo info, double lr, double wd) {
        optimizer.setLr(lr);
        optimizer.setWeightDecay(wd);
        objective.module().reseed(Module.mixSeed(config.seed(), info.step()));
        optimizer.zeroGrad();
        Var loss = objective.loss(batch, info);
        double value = averageOverRanks(loss.item()); // every rank sees the same value, so all stop together on NaN
        if (!Double.isFinite(value)) throw new NonFiniteLossException(info.step(), value, lastCheckpoint);
        loss.backward();
        if (buckets != null) buckets.finish();
        double norm = Double.NaN;
        switch (config.clip()) {
            case GLOBAL_NORM -> norm = GradClip.clipGlobalNorm(trainable.values(), config.clipMax());
            case PER_PARAMETER -> GradClip.clipPerParameter(trainable.values(), config.clipMax());
            case NONE -> {}
        }
        objective.beforeOptimizerStep(info);
        optimizer.step();
        objective.afterOptimizerStep(info);
        return new double[] {value, norm};
    }

    /**
     * The objective's metrics; the bad samples the source skipped so far in this process (skipped_samples,
     * once there are any); with several ranks the gradient all-reduce time of the step and the part of it
     * backward did not hide (dp_allreduce_ms, dp_wait_ms; overlap = 1 - wait / all-reduce).
     */
    private Map<String, Double> stepExtras() {
        long skipped = source.skippedSamples();
        Map<String, Double> m = new LinkedHashMap<>(objective.metrics());
        if (skipped > 0) m.put("skipped_samples", (double) skipped);
        if (buckets != null) {
            m.put("dp_allreduce_ms", buckets.lastCommunicationNanos() / 1e6);
            m.put("dp_wait_ms", buckets.lastWaitNanos() / 1e6);
        }
        return ordered(m);
    }

    /** An unmodifiable copy in the same order (Map.copyOf's order changes from JVM to JVM, and with it the logs'). */
    private static Map<String, Double> ordered(Map<String, Double> m) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    private double averageOverRanks(double v) {
        if (comm.worldSize() == 1) return v;
        Tensor t = Tensor.of(new double[] {v}, 1);
        comm.allReduce(t, Reduction.AVERAGE).await();
        return t.item();
    }

    private void evaluate(int forEpoch) {
        if (evaluation == null || lastEvalStep == step) return;
        lastEvalStep = step;
        if (comm.rank() != 0) return;
        Module module = objective.module();
        Map<String, Double> values;
        module.train(false);
        try (var noGrad = GradMode.disable()) {
            values = ordered(evaluation.evaluate(step, forEpoch));
        } finally {
            module.train(true);
        }
        EvalMetrics m = new EvalMetrics(step, forEpoch, values);
        listeners.forEach(l -> l.onEval(m));
    }

    /**
     * Writes a checkpoint at the current position unless one exists for this step; returns its folder or null.
     *
     * @throws UncheckedIOException when the write fails; for a failed file write (a full disk) the
     *     message is the one line of {@link CheckpointWriteException}, which is the cause, naming the
     *     file and the last good checkpoint
     */
    public Path checkpoint() {
        if (checkpoints == null || lastCheckpointStep == step) return lastCheckpoint;
        if (comm.rank() != 0) {
            lastCheckpointStep = step;
            return lastCheckpoint;
        }
        boolean epochEnd = batchInEpoch >= batchesPerEpoch;
        Checkpoint.Position pos =
                new Checkpoint.Position(step, epochEnd ? epoch + 1 : epoch, epochEnd ? 0 : batchInEpoch);
        try {
            lastCheckpoint = checkpoints.write(
                    pos,
                    config.seed(),
                    resumeKey(),
                    objective.module().stateDict(),
                    objective.weightsMetadata(),
                    optimizer.stateDict());
        } catch (CheckpointWriteException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write checkpoint for step " + step + " under " + checkpoints.root() + ": " + e.getMessage(),
                    e);
        }
        lastCheckpointStep = step;
        Path dir = lastCheckpoint;
        listeners.forEach(l -> l.onCheckpoint(step, dir));
        return dir;
    }

    /** Optimiser steps done. */
    public long step() {
        return step;
    }

    /** Epoch of the next batch. */
    public int epoch() {
        return epoch;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public TrainerConfig config() {
        return config;
    }

    /** The last complete checkpoint written or resumed from, or null. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }
}
