package dev.loupe.gpu.mpi;

import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.CommunicatorProvider;
import dev.loupe.tensor.dist.LaunchEnvironment;
import java.util.Optional;

/** {@code --dist mpi}: MPI_COMM_WORLD of Open MPI or MPICH through FFM ({@link MpiCommunicator}). */
public final class MpiCommunicatorProvider implements CommunicatorProvider {
    private MpiLibrary library;
    private String failure;

    @Override
    public String type() {
        return "mpi";
    }

    @Override
    public synchronized Optional<String> unavailableReason() {
        load();
        return Optional.ofNullable(failure);
    }

    @Override
    public synchronized Communicator open(LaunchEnvironment env) {
        load();
        if (library == null) throw new IllegalStateException(failure);
        return new MpiCommunicator(library, env);
    }

    private void load() {
        if (library != null || failure != null) return;
        try {
            library = MpiLibrary.load();
        } catch (IllegalStateException e) {
            failure = e.getMessage();
        }
    }
}
