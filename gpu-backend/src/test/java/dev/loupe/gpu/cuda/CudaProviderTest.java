package dev.loupe.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.gpu.cuda.internal.CudaLibraries;
import dev.loupe.tensor.BackendProvider;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA provider as ServiceLoader finds it. Where there is no CUDA (these build machines: no libcuda),
 * it must say why, open nothing, and make Backends name the reason; where there is, it lists the devices
 * (the op suite then runs on them with -Dloupe.test.device=cuda:0, as scripts/gpu-check does).
 */
class CudaProviderTest {
    private static CudaProvider provider() {
        CudaProviderTest.class
                .getModule()
                .addUses(BackendProvider.class); // on the module path the test module looks the service up itself
        List<CudaProvider> found = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof CudaProvider)
                .map(p -> (CudaProvider) p)
                .toList();
        assertEquals(1, found.size(), "CudaProvider registrations");
        return found.getFirst();
    }

    @Test
    void saysWhyThereIsNoCudaOrListsTheDevices() {
        CudaProvider provider = provider();
        Optional<String> reason = provider.unavailableReason();
        List<String> lines = Backends.describe();
        if (reason.isPresent()) {
            System.out.println("[CudaProviderTest] no CUDA here: " + reason.get());
            assertTrue(
                    reason.get().startsWith("no CUDA driver (libcuda.so.1 not found")
                            || reason.get().startsWith("no CUDA device")
                            || reason.get().startsWith("no NVRTC"),
                    reason.get());
            assertTrue(provider.open(0).isEmpty());
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> Backends.forDevice(new Device("cuda", 0)));
            assertTrue(e.getMessage().contains("backend cuda:0 is not usable here: " + reason.get()), e.getMessage());
            assertTrue(lines.contains("cuda: unavailable (" + reason.get() + ")"), lines.toString());
        } else {
            System.out.println("[CudaProviderTest] " + provider.describeDevices());
            assertTrue(lines.contains("cuda: available"), lines.toString());
            assertTrue(
                    provider.describeDevices().getFirst().startsWith("cuda:0 "),
                    provider.describeDevices().toString());
            assertTrue(provider.open(0).isPresent());
            assertTrue(provider.open(10_000).isEmpty());
        }
    }

    @Test
    void librariesAreSearchedInTheGivenPathThenTheUsualPlaces(@TempDir Path tmp) throws IOException {
        Path site = tmp.resolve("site-packages");
        Files.createDirectories(site.resolve("nvidia/cublas/lib"));
        Files.createDirectories(site.resolve("nvidia/cuda_nvrtc/lib"));
        List<Path> folders =
                CudaLibraries.folders("/opt/a:/opt/b", "/ld/one::/ld/two", List.of(site, tmp.resolve("absent")));
        assertEquals(
                List.of(
                        Path.of("/opt/a"),
                        Path.of("/opt/b"),
                        Path.of("/ld/one"),
                        Path.of("/ld/two"),
                        Path.of("/usr/local/cuda/lib64")),
                folders.subList(0, 5),
                "-Dloupe.cuda.path, then LD_LIBRARY_PATH, then /usr/local/cuda");
        assertTrue(
                folders.contains(site.resolve("nvidia/cublas/lib"))
                        && folders.contains(site.resolve("nvidia/cuda_nvrtc/lib")),
                folders.toString());
        assertTrue(
                folders.indexOf(Path.of("/usr/local/cuda/lib64")) < folders.indexOf(site.resolve("nvidia/cublas/lib")));
    }
}
