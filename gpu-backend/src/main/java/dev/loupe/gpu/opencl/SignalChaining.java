package dev.loupe.gpu.opencl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * PoCL compiles kernels with LLVM, and LLVM puts its own SIGSEGV, SIGBUS and SIGILL handlers (one-shot:
 * SA_RESETHAND) in place of the JVM's. The JVM raises SIGSEGV itself, for null checks and safepoint polls,
 * so after a kernel is first compiled the process can die with a bare "Segmentation fault" and no hs_err
 * file (seen in CI with a cold PoCL cache). The JDK's libjsig, preloaded, keeps the JVM's handlers installed
 * and chains to LLVM's: {@code ./loupe}, the test forks and scripts/gpu-check preload it; a program of one's
 * own is warned once when it opens a PoCL device without it.
 */
final class SignalChaining {
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private SignalChaining() {}

    /** Whether libjsig is mapped into this process (Linux; elsewhere nothing is known, and true is answered). */
    static boolean jsigLoaded() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return true;
        try {
            return jsigIn(Files.readString(maps));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + maps, e);
        }
    }

    static boolean jsigIn(String maps) {
        return maps.contains("/libjsig.so");
    }

    /** The warning for opening a device of {@code platform}, if any: PoCL without libjsig mapped. */
    static Optional<String> warning(String platform, boolean jsigLoaded, String javaHome) {
        if (jsigLoaded || !platform.contains("Portable Computing Language")) return Optional.empty();
        return Optional.of("loupe: warning: PoCL's LLVM replaces the JVM's SIGSEGV handler when it compiles a kernel,"
                + " which can kill this JVM with a bare 'Segmentation fault'; preload the JDK's signal chaining"
                + " library: LD_PRELOAD=" + javaHome + "/lib/libjsig.so (./loupe does)");
    }

    /** Prints {@link #warning} once per process. */
    static void warnOnce(String platform) {
        if (WARNED.get()) return; // the process mappings are read at most until the first warning
        warning(platform, jsigLoaded(), System.getProperty("java.home")).ifPresent(w -> {
            if (WARNED.compareAndSet(false, true)) System.err.println(w);
        });
    }
}
