package dev.loupe.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.gpu.opencl.OpenClProvider;
import dev.loupe.tensor.BackendProvider;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.CommunicatorProvider;
import dev.loupe.tensor.dist.Communicators;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The JPMS modules as a user on the module path sees them: the tests run there (named modules), the
 * FFM bindings are not exported, and the providers are found through {@code provides}/{@code uses}.
 */
class ModuleDescriptorTest {
    private static Set<String> unqualifiedExports(Module m) {
        return m.getDescriptor().exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
    }

    @Test
    void gpuBackendExportsOnlyItsDeviceApiAndProvidesBothServices() {
        Module gpu = OpenClProvider.class.getModule();
        assertTrue(gpu.isNamed(), "tests run on the module path");
        assertEquals("dev.loupe.gpu", gpu.getName());
        assertEquals(
                Set.of("dev.loupe.gpu.common", "dev.loupe.gpu.cuda", "dev.loupe.gpu.opencl"), unqualifiedExports(gpu));
        Set<String> provided = gpu.getDescriptor().provides().stream()
                .map(ModuleDescriptor.Provides::service)
                .collect(Collectors.toSet());
        assertEquals(Set.of(BackendProvider.class.getName(), CommunicatorProvider.class.getName()), provided);
    }

    @Test
    void tensorUsesTheProvidersAndKeepsItsKernelsToItself() {
        Module tensor = Tensor.class.getModule();
        assertTrue(tensor.isNamed(), "tests run on the module path");
        assertEquals(
                Set.of("dev.loupe.tensor", "dev.loupe.tensor.dist", "dev.loupe.tensor.io", "dev.loupe.tensor.testing"),
                unqualifiedExports(tensor));
        assertEquals(
                Set.of(BackendProvider.class.getName(), CommunicatorProvider.class.getName()),
                tensor.getDescriptor().uses());
    }

    @Test
    void tensorFindsTheProvidersThroughTheModuleDescriptors() {
        assertTrue(
                Backends.describe().stream().anyMatch(l -> l.startsWith("opencl: ")),
                Backends.describe().toString());
        assertTrue(
                Communicators.describe().stream().anyMatch(l -> l.startsWith("mpi: ")),
                Communicators.describe().toString());
    }
}
