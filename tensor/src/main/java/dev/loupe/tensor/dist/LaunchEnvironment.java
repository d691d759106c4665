package dev.loupe.tensor.dist;

import java.util.Map;

/**
 * Where this process stands in a job, read from the launcher's environment variables:
 * Open MPI's mpirun (OMPI_COMM_WORLD_RANK / _SIZE / _LOCAL_RANK), MPICH's Hydra and other PMI
 * launchers (PMI_RANK / PMI_SIZE, MPI_LOCALRANKID), Slurm's srun (SLURM_PROCID / SLURM_NTASKS /
 * SLURM_LOCALID inside a job step), torchrun (RANK / WORLD_SIZE / LOCAL_RANK with MASTER_ADDR).
 * The first launcher found in that order wins; none found is rank 0 of 1.
 *
 * @param launcher  "mpirun", "pmi", "srun", "torchrun" or "none"
 * @param rank      this process, 0 <= rank < worldSize
 * @param worldSize processes in the job
 * @param localRank this process among those on its machine
 */
public record LaunchEnvironment(String launcher, int rank, int worldSize, int localRank) {
    public LaunchEnvironment {
        if (worldSize < 1) throw new IllegalArgumentException(launcher + ": world size must be >= 1, got " + worldSize);
        if (rank < 0 || rank >= worldSize)
            throw new IllegalArgumentException(launcher + ": rank " + rank + " is outside [0, " + worldSize + ")");
    }

    /** A process that was not launched as part of a job. */
    public static LaunchEnvironment alone() {
        return new LaunchEnvironment("none", 0, 1, 0);
    }

    /** This process's environment. */
    public static LaunchEnvironment detect() {
        return detect(System.getenv());
    }

    public static LaunchEnvironment detect(Map<String, String> env) {
        if (env.containsKey("OMPI_COMM_WORLD_RANK")) {
            return read(env, "mpirun", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK");
        }
        if (env.containsKey("PMI_RANK")) return read(env, "pmi", "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID");
        // SLURM_PROCID is also set in a batch script outside any step; only srun's steps are jobs of many ranks
        if (env.containsKey("SLURM_PROCID") && (env.containsKey("SLURM_STEP_ID") || env.containsKey("SLURM_STEPID"))) {
            return read(env, "srun", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID");
        }
        if (env.containsKey("RANK") && env.containsKey("WORLD_SIZE") && env.containsKey("MASTER_ADDR")) {
            return read(env, "torchrun", "RANK", "WORLD_SIZE", "LOCAL_RANK");
        }
        return alone();
    }

    private static LaunchEnvironment read(
            Map<String, String> env, String launcher, String rankVar, String sizeVar, String localVar) {
        int rank = integer(env, launcher, rankVar, null);
        int size = integer(env, launcher, sizeVar, null);
        int local = integer(env, launcher, localVar, rank);
        return new LaunchEnvironment(launcher, rank, size, local);
    }

    private static int integer(Map<String, String> env, String launcher, String name, Integer fallback) {
        String v = env.get(name);
        if (v == null) {
            if (fallback != null) return fallback;
            throw new IllegalStateException(launcher + " environment: " + name + " is not set");
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(launcher + " environment: " + name + "='" + v + "' is not an integer");
        }
    }

    @Override
    public String toString() {
        return "rank " + rank + " of " + worldSize + " (" + launcher + ", local rank " + localRank + ")";
    }
}
