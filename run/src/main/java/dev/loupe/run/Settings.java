package dev.loupe.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.TrainerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's settings as config.json holds them: one flat object made by Jackson from records (the
 * library's {@link ViTConfig} and {@link TrainerConfig}, a command's own records) and small maps, field
 * names in snake_case. Each record reads back from that object by its own fields ({@link #read}).
 *
 * <p>Two library records are shown as users know them: ViTConfig's pooling as "pool": "cls" | "mean"
 * and its drop path rate as "drop_path" ("conv_stem" only when true); TrainerConfig without its run-time intervals (checkpoint_every,
 * keep_checkpoints, eval_every), which may change between invocations of one run.
 */
public final class Settings {
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addMixIn(ViTConfig.class, VitConfigView.class)
            .addMixIn(TrainerConfig.class, TrainerConfigView.class);

    private Settings() {}

    /** The fields of every part (a record or a map), in order, as one flat object; a later field of the same name wins. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(Object... parts) {
        Map<String, Object> flat = new LinkedHashMap<>();
        for (Object part : parts) flat.putAll(JSON.convertValue(part, LinkedHashMap.class));
        return flat;
    }

    /** A record of {@code type} from the "settings" object of a run's config.json. */
    public static <T> T read(Path configJson, Class<T> type) {
        try {
            JsonNode settings = JSON.readTree(configJson.toFile()).path("settings");
            return JSON.treeToValue(settings, type);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the settings of " + configJson + " as " + type.getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    /** ViTConfig's fields as config.json names them. */
    abstract static class VitConfigView {
        @JsonProperty("drop_path")
        abstract double dropPathRate();

        @JsonProperty("pool")
        @JsonSerialize(using = PoolWriter.class)
        @JsonDeserialize(using = PoolReader.class)
        abstract boolean meanPool();

        // only a stem ViT names it, so the settings of runs from before it existed (which a resume compares) stay the
        // same
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        abstract boolean convStem();
    }

    /** TrainerConfig without the intervals that may change between invocations. */
    abstract static class TrainerConfigView {
        @JsonIgnore
        abstract long checkpointEvery();

        @JsonIgnore
        abstract int keepCheckpoints();

        @JsonIgnore
        abstract long evalEvery();
    }

    static final class PoolWriter extends JsonSerializer<Boolean> {
        @Override
        public void serialize(Boolean mean, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(mean ? "mean" : "cls");
        }
    }

    static final class PoolReader extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String v = p.getValueAsString();
            if (!"mean".equals(v) && !"cls".equals(v))
                throw new IOException("pool must be cls or mean, got '" + v + "'");
            return "mean".equals(v);
        }
    }
}
