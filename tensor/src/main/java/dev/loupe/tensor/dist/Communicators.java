package dev.loupe.tensor.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Registry of transports: picks the communicator for {@code --dist auto|none|mpi|nccl}; the transports come through {@link CommunicatorProvider}. */
public final class Communicators {
    private Communicators() {}

    /**
     * The communicator of this process. "none": one rank (refused when the environment says the
     * process is one of many, since each would train alone and write the same run folder); "auto":
     * one rank when launched alone, MPI under mpirun / PMI / srun, NCCL under torchrun; otherwise the
     * provider of that name.
     */
    public static Communicator open(String mode, LaunchEnvironment env) {
        return switch (mode) {
            case "none" -> {
                if (env.worldSize() > 1) {
                    throw new IllegalArgumentException(
                            "--dist none, but this process is " + env
                                    + "; every rank would train alone and write the same run folder. Use --dist auto, or launch one process");
                }
                yield Communicator.single();
            }
            case "auto" -> {
                if (env.worldSize() == 1) yield Communicator.single();
                yield provider(env.launcher().equals("torchrun") ? "nccl" : "mpi")
                        .open(env);
            }
            default -> provider(mode).open(env);
        };
    }

    /** The provider of {@code type}; an error that says what is missing when there is none or it cannot run here. */
    public static CommunicatorProvider provider(String type) {
        List<String> known = new ArrayList<>(List.of("auto", "none"));
        for (CommunicatorProvider p : ServiceLoader.load(CommunicatorProvider.class)) {
            if (p.type().equals(type)) {
                p.unavailableReason().ifPresent(r -> {
                    throw new IllegalStateException("--dist " + type + " is not usable here: " + r);
                });
                return p;
            }
            known.add(p.type());
        }
        throw new IllegalArgumentException("no communicator '" + type + "' (known: " + String.join(", ", known)
                + (known.size() == 2 ? "; MPI and NCCL come with loupe-gpu-backend on the class path)" : ")"));
    }

    /** One line per transport with its status, for {@code loupe info}. */
    public static List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (CommunicatorProvider p : ServiceLoader.load(CommunicatorProvider.class)) {
            lines.add(p.type() + ": "
                    + p.unavailableReason().map(r -> "unavailable (" + r + ")").orElse("available"));
        }
        return lines;
    }
}
