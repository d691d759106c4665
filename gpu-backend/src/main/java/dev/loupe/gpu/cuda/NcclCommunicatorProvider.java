package dev.loupe.gpu.cuda;

import dev.loupe.gpu.cuda.internal.CudaDriver;
import dev.loupe.gpu.cuda.internal.CudaUnavailableException;
import dev.loupe.gpu.cuda.internal.NcclLibrary;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.CommunicatorProvider;
import dev.loupe.tensor.dist.Communicators;
import dev.loupe.tensor.dist.LaunchEnvironment;
import dev.loupe.tensor.dist.TcpRendezvous;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --dist nccl}: one {@link NcclCommunicator} per process on {@code cuda:LOCAL_RANK} (the launcher's local
 * rank: OMPI_COMM_WORLD_LOCAL_RANK, SLURM_LOCALID, torchrun's LOCAL_RANK), so training must use that device.
 * Rank 0's ncclUniqueId reaches the others through a TCP rendezvous at MASTER_ADDR:MASTER_PORT when those are
 * set (torchrun), else through an MPI broadcast (mpirun, srun with PMI); one rank needs neither.
 */
public final class NcclCommunicatorProvider implements CommunicatorProvider {
    private NcclLibrary library;
    private String failure;

    @Override
    public String type() {
        return "nccl";
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
        CudaDevice device = CudaProvider.device(env.localRank());
        Communicator bootstrap = null;
        byte[] id;
        Map<String, String> vars = System.getenv();
        Duration timeout = Duration.ofSeconds(Long.getLong("loupe.dist.timeout", 1800));
        if (env.worldSize() == 1) {
            id = library.uniqueId();
        } else if (vars.containsKey("MASTER_ADDR")) {
            id = TcpRendezvous.share(
                    TcpRendezvous.address(vars),
                    env.rank(),
                    env.worldSize(),
                    env.rank() == 0 ? library.uniqueId() : null,
                    timeout);
        } else {
            bootstrap = Communicators.provider("mpi").open(env);
            id = broadcast(bootstrap, env.rank() == 0 ? library.uniqueId() : null);
        }
        return new NcclCommunicator(library, device, id, env.rank(), env.worldSize(), bootstrap);
    }

    /** Rank 0's id to every rank over a host communicator: each byte travels as an exact F64 value 0-255. */
    static byte[] broadcast(Communicator host, byte[] idOnRankZero) {
        double[] values = new double[NcclLibrary.UNIQUE_ID_BYTES];
        if (idOnRankZero != null) for (int i = 0; i < values.length; i++) values[i] = idOnRankZero[i] & 0xff;
        Tensor t = Tensor.of(values, values.length);
        host.broadcast(t, 0).await();
        double[] got = t.toDoubleArray();
        byte[] id = new byte[got.length];
        for (int i = 0; i < id.length; i++) id[i] = (byte) (int) got[i];
        return id;
    }

    private void load() {
        if (library != null || failure != null) return;
        try {
            NcclLibrary nccl = NcclLibrary.load();
            if (CudaDriver.load().deviceCount() == 0) throw new CudaUnavailableException("no CUDA device");
            library = nccl;
        } catch (CudaUnavailableException e) {
            failure = e.getMessage();
        }
    }
}
