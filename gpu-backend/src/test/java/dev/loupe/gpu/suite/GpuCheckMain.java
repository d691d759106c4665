package dev.loupe.gpu.suite;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.io.PrintWriter;
import java.util.Arrays;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs test packages without Maven (scripts/gpu-check, on a GPU machine with only a jlink'd JDK):
 * {@code java -Dloupe.test.device=cuda:0 -cp ... dev.loupe.gpu.suite.GpuCheckMain dev.loupe.gpu.suite dev.loupe.gpu.cuda}.
 * Prints the summary and the failures; exits 1 when a test failed or none ran.
 */
public final class GpuCheckMain {
    private GpuCheckMain() {}

    public static void main(String[] args) {
        String[] packages = args.length == 0 ? new String[] {"dev.loupe.gpu.suite", "dev.loupe.gpu.cuda"} : args;
        LauncherDiscoveryRequest discovery = request()
                .selectors(Arrays.stream(packages).map(p -> selectPackage(p)).toList())
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        System.out.println("GpuCheckMain: " + String.join(", ", packages) + " on " + TestDevice.DEVICE);
        LauncherFactory.create().execute(discovery, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printTo(out);
        summary.printFailuresTo(out, 30);
        System.exit(summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0 ? 0 : 1);
    }
}
