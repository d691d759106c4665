package dev.loupe.cli.train;

import dev.loupe.data.transform.RecipeConfig;
import java.util.Map;
import picocli.CommandLine.Option;

/** The Gaussian blur range of the DINO, DINOv2 and SimCLR augmentations. */
public final class BlurOptions {
    @Option(
            names = "--blur-sigma",
            split = ",",
            paramLabel = "MIN,MAX",
            description =
                    "Blur sigma range in pixels (default: the reference 0.1,2.0 at 224 px, scaled by side / 224 below it, "
                            + "e.g. 0.0125,0.25 at 28 px).")
    double[] blurSigma;

    /** config with the chosen range (the default range of its side when none was given). */
    public RecipeConfig apply(RecipeConfig config) {
        if (blurSigma == null) return config;
        SslTraining.range(blurSigma, "--blur-sigma");
        return config.withBlurSigma(blurSigma[0], blurSigma[1]);
    }

    /** Records the range in use under "blur_sigma" in a run's settings. */
    public static void record(Map<String, Object> settings, RecipeConfig config) {
        double[] s = config.blurSigma();
        settings.put("blur_sigma", s[0] + "," + s[1]);
    }
}
