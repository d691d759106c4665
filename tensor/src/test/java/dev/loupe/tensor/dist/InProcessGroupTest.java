package dev.loupe.tensor.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.testing.CollectiveConformance;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InProcessGroupTest {
    @Test
    void collectivesMatchExpectedValuesForOneTwoAndThreeRanks() {
        for (int world : new int[] {1, 2, 3}) {
            List<Integer> checks = InProcessGroup.run(world, c -> CollectiveConformance.run(c, 42 + world, 2));
            assertEquals(world, checks.size());
            assertTrue(checks.get(0) > 100, "checks run: " + checks);
        }
    }

    @Test
    void singleProcessCommunicatorPassesTheSameChecks() {
        assertTrue(CollectiveConformance.run(Communicator.single(), 7, 1) > 50);
    }

    @Test
    void ranksThatDisagreeOnACollectiveGetAnErrorNamingBoth() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> InProcessGroup.run(2, c -> {
                    Tensor t = Tensor.zeros(c.rank() == 0 ? 4 : 5);
                    c.allReduce(t, Reduction.SUM).await();
                    return 0;
                }));
        assertTrue(
                e.getCause().getMessage().contains("every rank must issue the same collectives"),
                e.getCause().getMessage());
    }

    @Test
    void aRankThatNeverArrivesFailsTheOthersAfterTheTimeout() {
        InProcessGroup group = new InProcessGroup(2, Duration.ofMillis(200));
        Communicator c0 = group.communicator(0);
        var e = assertThrows(CommunicationException.class, () -> c0.allReduce(Tensor.zeros(3), Reduction.SUM)
                .await());
        assertTrue(e.getMessage().contains("ranks [1] never arrived"), e.getMessage());
        c0.close();
    }

    @Test
    void buffersMustBeContiguousFloatTensors() {
        Communicator c = Communicator.single();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> c.allReduce(Tensor.zeros(3, 4).mT(), Reduction.SUM));
        assertTrue(e.getMessage().contains("contiguous"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.allGather(Tensor.zeros(3), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("times world size 1"), e.getMessage());
    }

    @Test
    void allGatherOfTwoRanksPutsRankBlocksInOrder() {
        List<float[]> out = InProcessGroup.run(2, c -> {
            Tensor all = Tensor.zeros(4);
            Work w = c.allGather(Tensor.of(new float[] {c.rank() * 10 + 1, c.rank() * 10 + 2}, 2), all);
            w.await();
            assertTrue(w.busyNanos() > 0);
            return all.toFloatArray();
        });
        assertArrayEquals(new float[] {1, 2, 11, 12}, out.get(0));
        assertArrayEquals(out.get(0), out.get(1));
    }

    @Test
    void launchEnvironmentReadsEachLauncherAndRefusesBadValues() {
        assertEquals(
                new LaunchEnvironment("mpirun", 1, 2, 1),
                LaunchEnvironment.detect(Map.of(
                        "OMPI_COMM_WORLD_RANK",
                        "1",
                        "OMPI_COMM_WORLD_SIZE",
                        "2",
                        "OMPI_COMM_WORLD_LOCAL_RANK",
                        "1",
                        "PMI_RANK",
                        "0")));
        assertEquals(
                new LaunchEnvironment("pmi", 3, 4, 3),
                LaunchEnvironment.detect(Map.of("PMI_RANK", "3", "PMI_SIZE", "4")));
        assertEquals(
                new LaunchEnvironment("srun", 2, 8, 0),
                LaunchEnvironment.detect(
                        Map.of("SLURM_PROCID", "2", "SLURM_NTASKS", "8", "SLURM_LOCALID", "0", "SLURM_STEP_ID", "0")));
        assertEquals(
                LaunchEnvironment.alone(), LaunchEnvironment.detect(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "8")));
        assertEquals(
                new LaunchEnvironment("torchrun", 1, 2, 1),
                LaunchEnvironment.detect(
                        Map.of("RANK", "1", "WORLD_SIZE", "2", "LOCAL_RANK", "1", "MASTER_ADDR", "10.0.0.1")));
        var e = assertThrows(
                IllegalStateException.class,
                () -> LaunchEnvironment.detect(Map.of("PMI_RANK", "0", "PMI_SIZE", "two")));
        assertTrue(e.getMessage().contains("PMI_SIZE='two'"), e.getMessage());
        var e2 = assertThrows(
                IllegalArgumentException.class,
                () -> LaunchEnvironment.detect(Map.of("PMI_RANK", "2", "PMI_SIZE", "2")));
        assertTrue(e2.getMessage().contains("rank 2 is outside [0, 2)"), e2.getMessage());
    }

    @Test
    void distNoneRefusesAProcessThatIsOneOfManyAndUnknownTransportsAreNamed() {
        assertEquals(
                "single", Communicators.open("none", LaunchEnvironment.alone()).kind());
        assertEquals(
                "single", Communicators.open("auto", LaunchEnvironment.alone()).kind());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Communicators.open("none", new LaunchEnvironment("mpirun", 0, 2, 0)));
        assertTrue(e.getMessage().contains("rank 0 of 2"), e.getMessage());
        var e2 = assertThrows(
                IllegalArgumentException.class, () -> Communicators.open("carrier-pigeon", LaunchEnvironment.alone()));
        assertTrue(e2.getMessage().contains("no communicator 'carrier-pigeon'"), e2.getMessage());
    }
}
