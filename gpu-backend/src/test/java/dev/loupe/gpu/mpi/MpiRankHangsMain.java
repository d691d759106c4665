package dev.loupe.gpu.mpi;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Communicators;
import dev.loupe.tensor.dist.LaunchEnvironment;
import dev.loupe.tensor.dist.Reduction;

/** {@link MpiCommunicatorTest}'s hanging job: rank 1 sleeps for minutes while rank 0 waits for it in an all-reduce. */
public final class MpiRankHangsMain {
    private MpiRankHangsMain() {}

    public static void main(String[] args) throws InterruptedException {
        Communicator c = Communicators.open("mpi", LaunchEnvironment.detect());
        if (c.rank() == 1) Thread.sleep(300_000);
        c.allReduce(Tensor.ones(10), Reduction.SUM).await();
        System.out.println("rank " + c.rank() + " finished an all-reduce");
        c.close();
    }
}
