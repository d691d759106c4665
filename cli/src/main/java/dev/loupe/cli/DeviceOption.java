package dev.loupe.cli;

import dev.loupe.tensor.Backends;
import dev.loupe.tensor.Device;
import picocli.CommandLine.Option;

/** {@code --device cpu|opencl[:N]|cuda[:N]} for the commands that run a model (eval, bench, features). */
public final class DeviceOption {
    @Option(
            names = "--device",
            defaultValue = "cpu",
            description = "cpu, opencl[:N] or cuda[:N]: where the model runs (default ${DEFAULT-VALUE}).")
    public String device = "cpu";

    /** This option set to {@code text}, as if given on the command line. */
    DeviceOption withDevice(String text) {
        device = text;
        return this;
    }

    /** The device, opened now so that a missing driver or device is reported before any work. */
    public Device device() {
        Device d;
        try {
            d = Device.parse(device);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--device " + device + ": expected cpu, opencl[:N] or cuda[:N]");
        }
        Backends.forDevice(d);
        return d;
    }
}
