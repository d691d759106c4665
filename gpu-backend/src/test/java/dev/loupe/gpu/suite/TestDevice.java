package dev.loupe.gpu.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loupe.tensor.BackendProvider;
import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Device;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The device the op suite and the training-step tests run on: -Dloupe.test.device (default opencl:0, so
 * cuda:0 runs the same suite on an NVIDIA GPU). Each test starts with {@link #ready}: with the device it
 * prints which one the test runs on; without it, it checks instead that the provider says why and that
 * asking for the device fails with that reason, and the test ends there. A missing device is a failure
 * when LOUPE_REQUIRE_OPENCL=1 (opencl; run-tests sets it once PoCL is installed), LOUPE_REQUIRE_CUDA=1
 * (cuda; scripts/gpu-check sets it) or -Dloupe.require.device=true.
 */
public final class TestDevice {
    public static final Device DEVICE = Device.parse(System.getProperty("loupe.test.device", "opencl:0"));

    private TestDevice() {}

    /** True when the test should go on with the device; prints the device (or the reason there is none). */
    public static boolean ready(String test) {
        BackendProvider provider = provider();
        Optional<String> reason = provider.unavailableReason();
        List<String> devices = provider.describeDevices();
        if (reason.isEmpty() && DEVICE.index() < devices.size()) {
            System.out.println("[" + test + "] on " + devices.get(DEVICE.index()));
            return true;
        }
        String why = reason.orElse("no " + DEVICE + " here (" + devices.size() + " devices)");
        if (required()) fail(test + ": a " + DEVICE.type() + " device is required (LOUPE_REQUIRE_*) but: " + why);
        System.out.println("[" + test + "] no " + DEVICE + " here (" + why + "); checked the unavailable path instead");
        assertFalse(why.isBlank());
        assertTrue(provider.open(DEVICE.index()).isEmpty());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.forDevice(DEVICE));
        assertTrue(e.getMessage().contains("is not usable here"), e.getMessage());
        return false;
    }

    private static boolean required() {
        String env = DEVICE.type().equals("cuda") ? "LOUPE_REQUIRE_CUDA" : "LOUPE_REQUIRE_OPENCL";
        return Boolean.getBoolean("loupe.require.device")
                || Boolean.getBoolean("loupe.require." + DEVICE.type())
                || "1".equals(System.getenv(env));
    }

    /** The provider of the device's type as ServiceLoader finds it: the registration is part of what is tested. */
    static BackendProvider provider() {
        TestDevice.class
                .getModule()
                .addUses(BackendProvider.class); // on the module path the test module looks the service up itself
        BackendProvider found = null;
        int count = 0;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.type().equals(DEVICE.type())) {
                found = p;
                count++;
            }
        }
        assertEquals(1, count, DEVICE.type() + " providers found by ServiceLoader");
        return found;
    }
}
