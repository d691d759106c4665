package dev.loupe.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The SSL commands' default warm-up (DINO's rule): 10 epochs, at most a tenth of the run, at least 1 epoch when
 * the run has several; a run budgeted in steps alone warms up over its first tenth (it had none before
 * 2026-12-06, while CLIP and SLIP warmed up for an epoch).
 */
class SslWarmupTest {
    private static CommonTrainOptions budget(Integer epochs, Long maxSteps) {
        CommonTrainOptions c = new CommonTrainOptions();
        c.epochs = epochs;
        c.maxSteps = maxSteps;
        SslTraining.defaultWarmup(c);
        return c;
    }

    @Test
    void epochBudgetsWarmUpForATenthCappedAtTenEpochs() {
        assertEquals(10.0, budget(300, null).warmupEpochs);
        assertEquals(3.0, budget(30, null).warmupEpochs);
        assertEquals(1.0, budget(5, null).warmupEpochs, "at least 1 epoch when the run has several");
        assertEquals(0.0, budget(1, null).warmupEpochs, "a one-epoch run does not warm up");
        assertEquals(0, budget(30, 500L).warmupSteps, "with --epochs the rule is in epochs");
    }

    @Test
    void stepBudgetsWarmUpOverTheirFirstTenth() {
        CommonTrainOptions c = budget(null, 1000L);
        assertEquals(100, c.warmupSteps);
        assertEquals(0.0, c.warmupEpochs);
        assertEquals(2, budget(null, 25L).warmupSteps);
    }
}
