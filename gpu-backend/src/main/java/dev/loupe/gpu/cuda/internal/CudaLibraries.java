package dev.loupe.gpu.cuda.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the CUDA libraries: in the folders of -Dloupe.cuda.path (a path list), of LD_LIBRARY_PATH, of
 * /usr/local/cuda/lib64 (and /usr/local/cuda-* ), of the nvidia/* /lib folders of the Python environments
 * (pip's nvidia-cublas-cu12, nvidia-cuda-nvrtc-cu12, ...), and finally by bare name through the system loader
 * (which knows /usr/lib/x86_64-linux-gnu, where the driver installs libcuda.so.1).
 */
public final class CudaLibraries {
    private CudaLibraries() {}

    /** The folders searched, in order. */
    public static List<Path> folders(String cudaPath, String ldLibraryPath, List<Path> pythonSitePackages) {
        LinkedHashSet<Path> out = new LinkedHashSet<>();
        for (String list : new String[] {cudaPath, ldLibraryPath}) {
            if (list == null) continue;
            for (String p : list.split(":")) if (!p.isBlank()) out.add(Path.of(p));
        }
        out.add(Path.of("/usr/local/cuda/lib64"));
        try (Stream<Path> local = Files.list(Path.of("/usr/local"))) {
            local.filter(p -> p.getFileName().toString().startsWith("cuda-"))
                    .sorted()
                    .forEach(p -> out.add(p.resolve("lib64")));
        } catch (IOException e) {
            // no /usr/local: nothing to add
        }
        for (Path site : pythonSitePackages) {
            try (Stream<Path> nvidia = Files.list(site.resolve("nvidia"))) {
                nvidia.sorted().forEach(p -> out.add(p.resolve("lib")));
            } catch (IOException e) {
                // no pip-installed CUDA in this environment
            }
        }
        return new ArrayList<>(out);
    }

    /** The site-packages folders of /usr/lib/python3*, /usr/local/lib/python3* and $VIRTUAL_ENV / $CONDA_PREFIX. */
    static List<Path> pythonSitePackages() {
        List<Path> roots = new ArrayList<>(List.of(Path.of("/usr/lib"), Path.of("/usr/local/lib")));
        for (String env : new String[] {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            if (System.getenv(env) != null) roots.add(Path.of(System.getenv(env), "lib"));
        }
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> pythons = Files.list(root)) {
                pythons.filter(p -> p.getFileName().toString().startsWith("python3"))
                        .sorted()
                        .forEach(p -> {
                            out.add(p.resolve("site-packages"));
                            out.add(p.resolve("dist-packages"));
                        });
            } catch (IOException e) {
                // no such root
            }
        }
        return out;
    }

    /**
     * The first of {@code names} (a versioned soname first, then the plain one; a name may end in '*' to
     * take the newest matching file, as libnvrtc.so.12* ) found in the folders, else through the system loader.
     */
    public static Optional<SymbolLookup> load(String... names) {
        for (Path folder : folders(
                System.getProperty("loupe.cuda.path"), System.getenv("LD_LIBRARY_PATH"), pythonSitePackages())) {
            for (String name : names) {
                Optional<Path> file = match(folder, name);
                if (file.isPresent()) {
                    try {
                        return Optional.of(SymbolLookup.libraryLookup(file.get(), Arena.global()));
                    } catch (IllegalArgumentException e) {
                        // present but not loadable (wrong architecture): keep looking
                    }
                }
            }
        }
        for (String name : names) {
            if (name.endsWith("*")) continue;
            try {
                return Optional.of(SymbolLookup.libraryLookup(name, Arena.global()));
            } catch (IllegalArgumentException e) {
                // not known to the system loader
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> match(Path folder, String name) {
        if (!name.endsWith("*"))
            return Files.isRegularFile(folder.resolve(name)) ? Optional.of(folder.resolve(name)) : Optional.empty();
        String prefix = name.substring(0, name.length() - 1);
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .max(Path::compareTo);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
