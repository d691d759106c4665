package dev.loupe.gpu.mpi;

import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Communicators;
import dev.loupe.tensor.dist.LaunchEnvironment;
import dev.loupe.tensor.dist.Reduction;

/** {@link MpiCommunicatorTest}'s failing job: rank 1 exits with status 3 while rank 0 waits for it in an all-reduce. */
public final class MpiRankDiesMain {
    private MpiRankDiesMain() {}

    public static void main(String[] args) {
        Communicator c = Communicators.open("mpi", LaunchEnvironment.detect());
        if (c.rank() == 1) {
            System.out.println("rank 1 exits");
            System.exit(3);
        }
        c.allReduce(Tensor.ones(1000), Reduction.SUM).await();
        System.out.println("rank 0 finished an all-reduce without rank 1");
    }
}
