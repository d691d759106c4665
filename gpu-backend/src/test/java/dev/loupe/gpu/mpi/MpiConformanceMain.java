package dev.loupe.gpu.mpi;

import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Communicators;
import dev.loupe.tensor.dist.LaunchEnvironment;
import dev.loupe.tensor.testing.CollectiveConformance;

/** One rank of {@link MpiCommunicatorTest}'s mpirun job: the conformance checks through --dist auto (MPI under mpirun). */
public final class MpiConformanceMain {
    private MpiConformanceMain() {}

    public static void main(String[] args) {
        LaunchEnvironment env = LaunchEnvironment.detect();
        try (Communicator c = Communicators.open("auto", env)) {
            if (!c.kind().equals("mpi"))
                throw new AssertionError("--dist auto under " + env + " gave " + c.kind() + ", expected mpi");
            int checks = CollectiveConformance.run(c, 2026, 2);
            System.out.println("rank " + c.rank() + " of " + c.worldSize() + " ("
                    + ((MpiCommunicator) c).implementation() + "): " + checks + " collectives ok");
        }
    }
}
