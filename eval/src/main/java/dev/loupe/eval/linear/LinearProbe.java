package dev.loupe.eval.linear;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.eval.features.FeatureSet;
import dev.loupe.nn.optim.CosineSchedule;
import dev.loupe.nn.optim.Lars;
import dev.loupe.nn.optim.Optimizer;
import dev.loupe.nn.optim.ParamGroup;
import dev.loupe.nn.optim.Sgd;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;

/**
 * Trains a {@link ProbeHead} on frozen features with cross-entropy and reports test accuracy
 * (MAE main_linprobe.py / DINO eval_linear.py, on pre-extracted features instead of images, so no
 * training augmentation). The learning rate follows a per-step linear warm-up and half-cycle cosine
 * to 0 ({@link CosineSchedule}); each epoch visits the training features in a fresh permutation
 * drawn from the seeded Rng, so a run is reproducible and independent of the thread count.
 */
public final class LinearProbe {
    private static final System.Logger LOG = System.getLogger(LinearProbe.class.getName());
    private static final int EVAL_CHUNK = 1024;

    private final LinearProbeConfig config;

    public LinearProbe(LinearProbeConfig config) {
        this.config = config;
    }

    /** Trains on {@code train}, evaluates on {@code test}. */
    public LinearProbeResult run(FeatureSet train, FeatureSet test) {
        if (train.dim() != test.dim()) {
            throw new IllegalArgumentException(
                    "linear probe: train features have width " + train.dim() + ", test " + test.dim());
        }
        int classes = Math.max(train.numClasses(), test.numClasses());
        int[] trainLabels = train.checkedLabels("linear probe train features");
        int[] testLabels = test.checkedLabels("linear probe test features");
        int n = train.size();
        int batch = Math.min(config.batchSize(), n);
        if (config.batchNorm() && batch < 2)
            throw new IllegalArgumentException("linear probe: BatchNorm needs >= 2 training samples per batch");
        int steps = config.batchNorm() ? n / batch : (n + batch - 1) / batch;

        Rng rng = new Rng(config.seed());
        ProbeHead head = new ProbeHead(train.dim(), classes, config.batchNorm(), rng.split());
        Optimizer opt = optimizer(head);
        CosineSchedule schedule = new CosineSchedule(
                config.lr(), 0, (long) steps * config.epochs(), (long) steps * config.warmupEpochs(), 0);
        Tensor x = train.features(); // (N, F)
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) labels[i] = trainLabels[i];
        double[] epochLoss = new double[config.epochs()];
        long step = 0;
        head.train(true);
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            int[] order = rng.permutation(n);
            double sum = 0;
            for (int s = 0; s < steps; s++) {
                int count = Math.min(batch, n - s * batch);
                long[] idx = new long[count], y = new long[count];
                for (int j = 0; j < count; j++) {
                    idx[j] = order[s * batch + j];
                    y[j] = labels[order[s * batch + j]];
                }
                opt.setLr(schedule.at(step++));
                Tensor xb = x.indexSelect(0, Tensor.ofLongs(idx, count)); // (B, F)
                sum += trainStep(head, opt, xb, Tensor.ofLongs(y, count));
            }
            epochLoss[epoch] = sum / steps;
            LOG.log(System.Logger.Level.DEBUG, "linear probe epoch {0}: loss {1}", epoch, epochLoss[epoch]);
        }
        head.train(false);
        Tensor logits = logits(head, test.features()); // (N_test, K)
        int[] predictions = Ranking.argmax(logits);
        double top1 = Ranking.topKAccuracy(logits, testLabels, 1);
        double top5 = classes >= 5 ? Ranking.topKAccuracy(logits, testLabels, 5) : Double.NaN;
        return new LinearProbeResult(top1, top5, predictions, epochLoss, head);
    }

    /**
     * One optimisation step: zero the gradients, cross-entropy of head(x) against y, backward, step.
     * x: (B, F) float32, y: (B) int64. Returns the loss before the step.
     */
    public static double trainStep(ProbeHead head, Optimizer opt, Tensor x, Tensor y) {
        opt.zeroGrad();
        Var loss = head.forward(Var.of(x)).crossEntropy(y, 0);
        loss.backward();
        opt.step();
        return loss.data().item();
    }

    /** Logits of {@code head} (in its current mode) on features (N, F) -> (N, K), without a graph. */
    public static Tensor logits(ProbeHead head, Tensor features) {
        int n = features.size(0);
        Tensor[] parts = new Tensor[(n + EVAL_CHUNK - 1) / EVAL_CHUNK];
        try (var scope = GradMode.disable()) {
            for (int p = 0; p < parts.length; p++) {
                int start = p * EVAL_CHUNK;
                parts[p] = head.forward(Var.of(features.narrow(0, start, Math.min(EVAL_CHUNK, n - start))))
                        .data();
            }
        }
        return Tensor.concat(0, parts).contiguous();
    }

    private Optimizer optimizer(ProbeHead head) {
        var groups = ParamGroup.single(head.namedParameters());
        return config.lars()
                ? new Lars(groups, config.lr(), config.momentum(), 0.001, config.weightDecay())
                : new Sgd(groups, config.lr(), config.momentum(), false, config.weightDecay());
    }
}
