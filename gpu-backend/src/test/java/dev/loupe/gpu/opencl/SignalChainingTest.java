package dev.loupe.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The libjsig check: what it reads, when it warns, and that this build's test forks preload it. */
class SignalChainingTest {
    private static final String POCL = "Portable Computing Language";

    @Test
    void readsTheLibraryFromTheProcessMappings() {
        assertTrue(SignalChaining.jsigIn(
                "7f00-7f01 r-xp 00000000 08:01 42 /usr/lib/jvm/temurin-25-jdk-amd64/lib/libjsig.so\n"));
        assertFalse(SignalChaining.jsigIn("7f00-7f01 r-xp 00000000 08:01 42 /usr/lib/x86_64-linux-gnu/libc.so.6\n"));
    }

    @Test
    void warnsOnlyForPoclWithoutTheLibrary() {
        Optional<String> w = SignalChaining.warning(POCL, false, "/opt/jdk");
        assertTrue(w.orElseThrow().contains("LD_PRELOAD=/opt/jdk/lib/libjsig.so"), w.toString());
        assertEquals(Optional.empty(), SignalChaining.warning(POCL, true, "/opt/jdk"));
        assertEquals(Optional.empty(), SignalChaining.warning("NVIDIA CUDA", false, "/opt/jdk"));
    }

    /** The pom's surefire configuration preloads libjsig, so the OpenCL suites run with the JVM's handlers kept. */
    @Test
    void theTestForkPreloadsIt() {
        assertTrue(
                SignalChaining.jsigLoaded(),
                "libjsig.so is not mapped: surefire's LD_PRELOAD (root pom) is missing; LD_PRELOAD="
                        + System.getenv("LD_PRELOAD"));
    }
}
