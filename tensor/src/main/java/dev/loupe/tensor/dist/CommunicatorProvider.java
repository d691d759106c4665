package dev.loupe.tensor.dist;

import java.util.Optional;

/**
 * Service interface for communicator transports ({@code META-INF/services/dev.loupe.tensor.dist.CommunicatorProvider}),
 * such as MPI and NCCL in loupe-gpu-backend. A provider whose library is missing says why in
 * {@link #unavailableReason()}.
 */
public interface CommunicatorProvider {
    /** The name of {@code --dist}: "mpi", "nccl". */
    String type();

    /** Why {@link #open} would fail on this machine, or empty when it would not. */
    Optional<String> unavailableReason();

    /** Joins the job this process was launched into. */
    Communicator open(LaunchEnvironment env);
}
