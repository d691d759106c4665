package dev.loupe.nn.dist;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.autograd.Var;
import dev.loupe.nn.BatchNorm1d;
import dev.loupe.nn.Linear;
import dev.loupe.nn.Module;
import dev.loupe.nn.train.BatchSource;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.StepInfo;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.Trainer;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.nn.train.TrainingListener;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.InProcessGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Data parallel against one process: N ranks with shards of a global batch must give the gradients,
 * the batch-norm statistics and the training run of one process with the whole batch.
 */
class DataParallelTest {
    /**
     * Linear(6, 5, no bias: batch norm would cancel it and leave a gradient of pure rounding noise) -
     * BatchNorm1d(5) - ReLU - Linear(5, 3), plus a parameter only some steps use.
     */
    static final class Net extends Module {
        final Linear fc1, fc2;
        final BatchNorm1d bn;
        final Var spare;

        Net(long seed) {
            Rng rng = new Rng(seed);
            fc1 = child("fc1", new Linear(6, 5, false, rng));
            bn = child("bn", new BatchNorm1d(5));
            fc2 = child("fc2", new Linear(5, 3, true, rng));
            spare = param("spare", Tensor.randn(rng, 3));
        }

        /** x: (B, 6) -> mean squared output; spare joins when useSpare. */
        Var loss(Tensor x, boolean useSpare) {
            Var y = fc2.forward(bn.forward(fc1.forward(Var.of(x))).relu()); // (B, 3)
            if (useSpare) y = y.add(spare);
            return y.mul(y).mean();
        }
    }

    private static final int GLOBAL = 8;

    private static Tensor globalBatch(int step) {
        return Tensor.randn(new Rng(500 + step), GLOBAL, 6);
    }

    /** Rank r's shard of a global batch: rows r, r + W, r + 2 W, ... (the loader's interleaved sharding). */
    private static Tensor shard(Tensor global, int rank, int world) {
        Tensor[] rows = new Tensor[global.size(0) / world];
        for (int k = 0; k < rows.length; k++) rows[k] = global.narrow(0, k * world + rank, 1);
        return Tensor.concat(0, rows);
    }

    private static Map<String, float[]> grads(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters()
                .forEach((k, v) -> out.put(k, v.grad() == null ? null : v.grad().toFloatArray()));
        return out;
    }

    /** One backward on each rank's shard, gradients averaged in buckets of bucketBytes. */
    private static List<Map<String, float[]>> distributedGrads(
            int world, long bucketBytes, boolean spareOnRankZeroOnly) {
        return InProcessGroup.run(world, c -> {
            Net net = new Net(3);
            DataParallel.synchronizeBatchNorm(net, c);
            try (GradientBuckets buckets = new GradientBuckets(net.parameters(), c, bucketBytes)) {
                net.loss(shard(globalBatch(0), c.rank(), world), spareOnRankZeroOnly && c.rank() == 0)
                        .backward();
                buckets.finish();
            }
            Map<String, float[]> g = grads(net);
            g.put("bn.running_mean", net.bn.runningMean().toFloatArray());
            g.put("bn.running_var", net.bn.runningVar().toFloatArray());
            return g;
        });
    }

    @Test
    void averagedGradientsAndBatchStatisticsMatchOneProcessForAnyBucketSize() {
        Net one = new Net(3);
        one.loss(globalBatch(0), false).backward();
        Map<String, float[]> expected = grads(one);
        for (int world : new int[] {2, 4}) {
            for (long bucketBytes : new long[] {1, 64, GradientBuckets.DEFAULT_BUCKET_BYTES}) {
                List<Map<String, float[]>> ranks = distributedGrads(world, bucketBytes, false);
                for (Map<String, float[]> g : ranks) {
                    for (var e : expected.entrySet()) {
                        String what = e.getKey() + " (" + world + " ranks, buckets of " + bucketBytes + " B)";
                        if (e.getValue() == null) assertNull(g.get(e.getKey()), what + ": no rank used it");
                        else
                            assertCloseToScale(
                                    what,
                                    Tensor.of(e.getValue(), e.getValue().length),
                                    Tensor.of(g.get(e.getKey()), e.getValue().length),
                                    1e-5);
                    }
                    assertCloseToScale(
                            "running_mean", one.bn.runningMean(), Tensor.of(g.get("bn.running_mean"), 5), 1e-5);
                    assertCloseToScale("running_var", one.bn.runningVar(), Tensor.of(g.get("bn.running_var"), 5), 1e-5);
                    // every rank holds the same bits
                    for (String k : g.keySet()) assertArrayEquals(ranks.get(0).get(k), g.get(k), k);
                }
            }
        }
    }

    @Test
    void aParameterOneRankUsedGetsItsGradientAveragedWithZeros() {
        List<Map<String, float[]>> ranks = distributedGrads(2, 1, true);
        // rank 0 alone: d mean(y^2) / d spare over its 4 rows, averaged with rank 1's zeros
        float[] spare = ranks.get(0).get("spare");
        assertTrue(spare != null && Math.abs(spare[0]) > 0, Arrays.toString(spare));
        assertArrayEquals(spare, ranks.get(1).get("spare"));
    }

    @Test
    void bucketsFollowReverseRegistrationOrderAndTheSizeCap() {
        Net net = new Net(1);
        // registration order: spare 3, fc1.weight 30, bn.weight 5, bn.bias 5, fc2.weight 15, fc2.bias 3 floats
        try (GradientBuckets one = new GradientBuckets(net.parameters(), Communicator.single(), 1 << 20);
                GradientBuckets each = new GradientBuckets(net.parameters(), Communicator.single(), 1);
                GradientBuckets capped = new GradientBuckets(net.parameters(), Communicator.single(), 21 * 4)) {
            assertEquals(List.of(6), one.parametersPerBucket());
            assertEquals(6, each.size());
            // reversed, at most 21 floats: fc2.bias + fc2.weight = 18 | bn.bias + bn.weight = 10 | fc1.weight 30 alone
            // | spare
            assertEquals(List.of(2, 2, 1, 1), capped.parametersPerBucket());
        }
    }

    @Test
    void broadcastStateGivesEveryRankRankZerosWeightsAndBuffers() {
        List<Map<String, float[]>> states = InProcessGroup.run(3, c -> {
            Net net = new Net(10 + c.rank()); // a different init on each rank
            net.bn.forward(Var.of(Tensor.randn(new Rng(c.rank()), 4, 5))); // and different running stats
            DataParallel.broadcastState(net, c);
            Map<String, float[]> s = new LinkedHashMap<>();
            net.stateDict()
                    .forEach((k, t) -> s.put(k, t.to(dev.loupe.tensor.DType.F32).toFloatArray()));
            return s;
        });
        Net rankZero = new Net(10);
        assertArrayEquals(
                rankZero.fc1.weight.data().toFloatArray(), states.get(2).get("fc1.weight"));
        for (String k : states.get(0).keySet()) {
            assertArrayEquals(states.get(0).get(k), states.get(1).get(k), k);
            assertArrayEquals(states.get(0).get(k), states.get(2).get(k), k);
        }
    }

    @Test
    void shardedDropPathKeepsTheRowsOneProcessWouldKeep() {
        dev.loupe.nn.DropPath one = new dev.loupe.nn.DropPath(0.5, new Rng(0));
        one.reseed(77);
        float[] global = one.forward(Var.of(Tensor.ones(12, 3))).data().toFloatArray(); // rows: 0 or 2
        for (int world : new int[] {2, 3}) {
            for (int r = 0; r < world; r++) {
                dev.loupe.nn.DropPath mine = new dev.loupe.nn.DropPath(0.5, new Rng(0));
                mine.shard(r, world);
                mine.reseed(77);
                float[] local =
                        mine.forward(Var.of(Tensor.ones(12 / world, 3))).data().toFloatArray();
                for (int i = 0; i < 12 / world; i++) {
                    assertEquals(
                            global[(i * world + r) * 3], local[i * 3], "rank " + r + " of " + world + ", row " + i);
                }
            }
        }
        // the seed drops some rows and keeps others, so the comparison above can tell masks apart
        assertTrue(java.util.stream.IntStream.range(0, 12).anyMatch(i -> global[i * 3] == 0));
        assertTrue(java.util.stream.IntStream.range(0, 12).anyMatch(i -> global[i * 3] == 2));
    }

    // ---- the training loop ----------------------------------------------------------------------

    private static Objective<Tensor> objective(Net net) {
        return new Objective<>() {
            @Override
            public Module module() {
                return net;
            }

            @Override
            public Map<String, Var> trainableParameters() {
                return net.namedParameters();
            }

            @Override
            public Var loss(Tensor batch, StepInfo step) {
                return net.loss(batch, step.step() % 2 == 1);
            }
        };
    }

    /** 3 global batches of 8 per epoch; rank r of world gets its interleaved shard of each. */
    private static BatchSource<Tensor> source(int rank, int world) {
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return 3;
            }

            @Override
            public EpochIterator<Tensor> epoch(int epoch, long startBatch) {
                List<Tensor> batches = new ArrayList<>();
                for (int b = (int) startBatch; b < 3; b++) batches.add(shard(globalBatch(epoch * 3 + b), rank, world));
                return EpochIterator.of(batches.iterator());
            }

            @Override
            public int samplesIn(Tensor batch) {
                return batch.size(0);
            }
        };
    }

    private record Run(List<Double> losses, Map<String, float[]> weights) {}

    private static Run train(Communicator c) {
        Net net = new Net(c.rank() == 0 ? 21 : 99); // rank 0's init must win
        TrainerConfig config = TrainerConfig.builder()
                .epochs(2)
                .maxSteps(5)
                .lr(1e-2)
                .warmupSteps(1)
                .weightDecay(0.05)
                .seed(4)
                .build();
        Trainer<Tensor> t =
                new Trainer<>(objective(net), source(c.rank(), c.worldSize()), config, null).distributed(c, 64);
        List<Double> losses = new ArrayList<>();
        t.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                losses.add(m.loss());
                if (c.worldSize() > 1) {
                    assertTrue(
                            m.objective().get("dp_allreduce_ms") > 0
                                    && m.objective().get("dp_wait_ms") >= 0,
                            m.objective().toString());
                } else {
                    assertFalse(m.objective().containsKey("dp_allreduce_ms"));
                }
            }
        });
        t.fit();
        Map<String, float[]> w = new LinkedHashMap<>();
        net.stateDict()
                .forEach((k, v) -> w.put(k, v.to(dev.loupe.tensor.DType.F32).toFloatArray()));
        return new Run(losses, w);
    }

    @Test
    void twoRanksFollowTheOneProcessRunAndRepeatBitwise() {
        Run one = train(Communicator.single());
        List<Run> first = InProcessGroup.run(2, DataParallelTest::train);
        List<Run> second = InProcessGroup.run(2, DataParallelTest::train);
        assertEquals(5, one.losses().size());
        for (Run r : first) {
            for (int s = 0; s < 5; s++) {
                double a = one.losses().get(s), b = r.losses().get(s);
                assertTrue(Math.abs(a - b) <= 1e-4 * Math.abs(a), "step " + s + ": loss " + b + ", one process " + a);
            }
            for (var e : one.weights().entrySet()) {
                float[] w = r.weights().get(e.getKey());
                assertCloseToScale(
                        e.getKey(), Tensor.of(e.getValue(), e.getValue().length), Tensor.of(w, w.length), 1e-4);
            }
        }
        assertNotEquals(one.losses().get(0), one.losses().get(4));
        for (int rank = 0; rank < 2; rank++) {
            assertEquals(first.get(rank).losses(), second.get(rank).losses());
            for (String k : first.get(rank).weights().keySet()) {
                assertArrayEquals(
                        first.get(rank).weights().get(k),
                        second.get(rank).weights().get(k),
                        k);
                assertArrayEquals(
                        first.get(0).weights().get(k), first.get(rank).weights().get(k), k);
            }
        }
    }
}
