package dev.loupe.cli.train;

import dev.loupe.nn.ViTConfig;
import dev.loupe.ssl.simclr.MaskedImageModelling;
import dev.loupe.ssl.simclr.SimClrObjective;
import dev.loupe.tensor.Rng;
import java.util.Map;
import picocli.CommandLine.Option;

/** SimCLR's projection head and NT-Xent temperature. */
public final class SimClrHeadOptions {
    @Option(
            names = "--temperature",
            defaultValue = "0.5",
            description =
                    "NT-Xent temperature (0.5 for small batches as in the CIFAR recipe, 0.1 at large batch; default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(
            names = "--proj-hidden",
            defaultValue = "512",
            description = "Projection head width (SLIP 4096; default ${DEFAULT-VALUE}).")
    int projHidden;

    @Option(
            names = "--proj-out",
            defaultValue = "128",
            description = "Projection width (SimCLR 128; default ${DEFAULT-VALUE}).")
    int projOut;

    /** The objective for a backbone of shape vit (with SimMIM's masked-pixel term unless maskedImage is null), recording temperature, proj_hidden and proj_out in settings. */
    public SimClrObjective objective(
            ViTConfig vit, MaskedImageModelling maskedImage, Rng rng, Map<String, Object> settings) {
        settings.put("temperature", temperature);
        settings.put("proj_hidden", projHidden);
        settings.put("proj_out", projOut);
        return new SimClrObjective(vit, projHidden, projOut, temperature, maskedImage, rng);
    }
}
