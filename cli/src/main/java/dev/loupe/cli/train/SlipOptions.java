package dev.loupe.cli.train;

import dev.loupe.clip.ClipConfig;
import dev.loupe.clip.ClipModel;
import dev.loupe.clip.slip.SlipModel;
import dev.loupe.clip.slip.SlipObjective;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** SLIP's SimCLR branch: its loss weight and temperature, and the SimCLR head (image_mlp) widths. */
public final class SlipOptions {
    @Option(
            names = "--ssl-scale",
            defaultValue = "1.0",
            description = "Weight of the SimCLR loss (default ${DEFAULT-VALUE}).")
    double sslScale;

    @Option(
            names = "--ssl-temperature",
            defaultValue = "0.1",
            description = "SimCLR temperature (default ${DEFAULT-VALUE}).")
    double sslTemperature;

    @Option(
            names = "--mlp-hidden",
            defaultValue = "512",
            description = "SimCLR head hidden width (default ${DEFAULT-VALUE}; SLIP: 4096).")
    int mlpHidden;

    @Option(
            names = "--mlp-out",
            defaultValue = "128",
            description = "SimCLR head output width (default ${DEFAULT-VALUE}; SLIP: 256).")
    int mlpOut;

    /** CLIP of config with the SimCLR head. */
    SlipModel model(ClipConfig config, Rng rng) {
        return new SlipModel(config, mlpHidden, mlpOut, rng);
    }

    /** L = L_CLIP + ssl-scale x L_SimCLR for model, a {@link #model}. */
    SlipObjective objective(ClipModel model, Tokenizer tokenizer) {
        return new SlipObjective((SlipModel) model, tokenizer, sslScale, sslTemperature);
    }

    /** config.json's entries: ssl_scale, ssl_temperature, mlp_hidden, mlp_out. */
    Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ssl_scale", sslScale);
        m.put("ssl_temperature", sslTemperature);
        m.put("mlp_hidden", mlpHidden);
        m.put("mlp_out", mlpOut);
        return m;
    }
}
