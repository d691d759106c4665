package dev.loupe.gpu.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loupe.tensor.BackendProvider;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Device;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The device the OpenCL tests run on, opencl:0. Each test starts with {@link #ready}: with a device it
 * prints which one the test runs on; without one it checks instead that the provider says why and that
 * asking for the device fails with that reason, and the test ends there. run-tests installs PoCL and
 * sets LOUPE_REQUIRE_OPENCL=1 (or -Dloupe.require.opencl=true), which turns a missing device into a failure.
 */
final class OpenClTestDevice {
    static final Device DEVICE = new Device("opencl", 0);

    private OpenClTestDevice() {}

    /** True when the test should go on with OpenCL; prints the device (or the reason there is none). */
    static boolean ready(String test) {
        OpenClProvider provider = provider();
        Optional<String> reason = provider.unavailableReason();
        if (reason.isEmpty()) {
            System.out.println("[" + test + "] on " + provider.describeDevices().getFirst());
            return true;
        }
        if (required()) fail(test + ": LOUPE_REQUIRE_OPENCL / -Dloupe.require.opencl is set but: " + reason.get());
        System.out.println(
                "[" + test + "] no OpenCL device here (" + reason.get() + "); checked the unavailable path instead");
        assertFalse(reason.get().isBlank());
        assertTrue(provider.open(0).isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.forDevice(DEVICE));
        assertTrue(e.getMessage().contains(reason.get()), e.getMessage());
        return false;
    }

    /** Whether a missing device is a failure: run-tests sets LOUPE_REQUIRE_OPENCL=1 once it has installed PoCL. */
    private static boolean required() {
        return Boolean.getBoolean("loupe.require.opencl") || "1".equals(System.getenv("LOUPE_REQUIRE_OPENCL"));
    }

    /**
     * The provider as ServiceLoader finds it: the registration (module-info's provides on the module path,
     * META-INF/services on the class path) is part of what is tested. On the module path these tests live in
     * dev.loupe.gpu, which provides the service but does not use it, so the test adds the use.
     */
    static OpenClProvider provider() {
        OpenClTestDevice.class.getModule().addUses(BackendProvider.class);
        OpenClProvider found = null;
        int count = 0;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p instanceof OpenClProvider o) {
                found = o;
                count++;
            }
        }
        assertEquals(1, count, "OpenClProvider registrations found by ServiceLoader");
        return found;
    }
}
