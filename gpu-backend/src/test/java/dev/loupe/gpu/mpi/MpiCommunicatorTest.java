package dev.loupe.gpu.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MPI communicator in a real 2-rank job: {@code mpirun --allow-run-as-root --oversubscribe -np 2}
 * runs {@link MpiConformanceMain} on this test's class path; both ranks must pass every collective
 * check. Needs Open MPI (Debian: openmpi-bin, libopenmpi-dev; run-tests installs them).
 */
class MpiCommunicatorTest {
    @Test
    void twoRanksUnderMpirunPassTheCollectiveChecks() throws IOException, InterruptedException {
        String out = MpiRun.run(2, MpiConformanceMain.class, 240);
        assertTrue(out.contains("rank 0 of 2 (Open MPI (libmpi.so.40)):"), out);
        assertTrue(out.contains("rank 1 of 2 (Open MPI (libmpi.so.40)):"), out);
        assertEquals(2, out.lines().filter(l -> l.endsWith("collectives ok")).count(), out);
    }

    @Test
    void aRankThatDiesStopsTheJobInsteadOfLeavingTheOthersWaiting() throws IOException, InterruptedException {
        MpiRun.Result r = MpiRun.launch(2, MpiRankDiesMain.class, 120);
        assertTrue(r.code() != 0, r.output());
        assertTrue(r.output().contains("rank 1 exits"), r.output());
        assertFalse(r.output().contains("without rank 1"), r.output());
    }

    @Test
    void aRankThatHangsIsStoppedByTheOthersWatchdog() throws IOException, InterruptedException {
        long started = System.nanoTime();
        MpiRun.Result r = MpiRun.launch(2, MpiRankHangsMain.class, 120, "-Dloupe.dist.timeout=3");
        assertTrue(r.code() != 0, r.output());
        assertTrue(
                r.output().contains("rank 0 of 2: allReduce #0 on rank 0 is not done 3 s after it was issued"),
                r.output());
        assertTrue((System.nanoTime() - started) / 1e9 < 100, "the job ran until the test's own limit");
    }

    @Test
    void providerFindsOpenMpiHere() {
        var p = new MpiCommunicatorProvider();
        assertEquals("mpi", p.type());
        assertTrue(p.unavailableReason().isEmpty(), () -> p.unavailableReason().get());
    }

    /** Launches a main class of the test class path under mpirun and returns its output (stdout and stderr). */
    static final class MpiRun {
        record Result(int code, String output) {}

        static String run(int ranks, Class<?> main, int timeoutSeconds) throws IOException, InterruptedException {
            Result r = launch(ranks, main, timeoutSeconds);
            if (r.code() != 0) throw new AssertionError("mpirun exited with " + r.code() + ":\n" + r.output());
            return r.output();
        }

        /** Runs the job to its end (failing the test after timeoutSeconds) and returns mpirun's status and output. */
        static Result launch(int ranks, Class<?> main, int timeoutSeconds, String... jvmOptions)
                throws IOException, InterruptedException {
            findOnPath("mpirun");
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(
                    "mpirun",
                    "--allow-run-as-root",
                    "--oversubscribe",
                    "-np",
                    String.valueOf(ranks),
                    java,
                    "--add-modules",
                    "jdk.incubator.vector",
                    "--enable-native-access=ALL-UNNAMED"));
            cmd.addAll(List.of(jvmOptions));
            cmd.addAll(List.of("-cp", childClassPath(main), main.getName()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            // containers often forbid cross-memory attach between processes; plain shared memory works everywhere
            pb.environment().put("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
            Path log = Files.createTempFile("loupe-mpirun", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("mpirun did not finish in " + timeoutSeconds + " s: " + String.join(" ", cmd));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            return new Result(p.exitValue(), out);
        }

        /**
         * This JVM's classes as one class path for the ranks: main's own location (the test classes, patched into the
         * module when the tests run on the module path), then the module path and the class path.
         */
        static String childClassPath(Class<?> main) {
            List<String> parts = new ArrayList<>();
            try {
                parts.add(Path.of(main.getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI())
                        .toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("code source of " + main, e);
            }
            for (String key : List.of("jdk.module.path", "java.class.path")) {
                String v = System.getProperty(key);
                if (v != null && !v.isEmpty()) parts.add(v);
            }
            return String.join(File.pathSeparator, parts);
        }

        /** Checks that name is on PATH; callers then run it by name, as Open MPI derives its prefix from an absolute path. */
        static Path findOnPath(String name) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path f = Path.of(dir, name);
                if (Files.isExecutable(f)) return f;
            }
            throw new AssertionError(
                    name + " is not on PATH: install Open MPI (apt-get install openmpi-bin libopenmpi-dev)");
        }
    }
}
