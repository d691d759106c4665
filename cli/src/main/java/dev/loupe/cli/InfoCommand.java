package dev.loupe.cli;

import dev.loupe.tensor.Backends;
import dev.loupe.tensor.KernelMode;
import dev.loupe.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loupe info}: JDK, Vector API species, cores, threads and backends. */
@Command(name = "info", description = "Print the JDK, SIMD species, cores, threads and available backends.")
final class InfoCommand implements Runnable {
    @Option(names = "--threads", description = "Worker threads (default: cores).")
    Integer threads;

    @Option(
            names = "--device",
            description =
                    "Also open this device (opencl[:N], cuda[:N]) and print its memory: in use, peak, reserved, budget.")
    String device;

    @Override
    public void run() {
        if (threads != null) Parallel.setThreads(threads);
        Runtime rt = Runtime.getRuntime();
        System.out.println("loupe      0.1.0");
        System.out.println("jdk        " + System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
                + System.getProperty("java.home") + ")");
        System.out.println("os         " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        System.out.println("species    " + FloatVector.SPECIES_PREFERRED + " (" + FloatVector.SPECIES_PREFERRED.length()
                + " floats)");
        System.out.println("kernels    " + KernelMode.describe());
        System.out.println("cores      " + rt.availableProcessors());
        System.out.println("threads    " + Parallel.threads());
        System.out.printf("heap       %.1f GiB max%n", rt.maxMemory() / (1024.0 * 1024 * 1024));
        if (device != null) new DeviceOption().withDevice(device).device();
        System.out.println("backends");
        for (String line : Backends.describe()) System.out.println("  " + line);
        System.out.println("communicators (--dist)");
        System.out.println("  this process: " + dev.loupe.tensor.dist.LaunchEnvironment.detect());
        for (String line : dev.loupe.tensor.dist.Communicators.describe()) System.out.println("  " + line);
    }
}
