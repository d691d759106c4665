package dev.loupe.eval.features;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import dev.loupe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Extracted features on disk, so repeated evaluations of one checkpoint skip the backbone. Each
 * entry is {@code <dir>/<key>.safetensors} holding "features" (N, F) float32 and "labels" (N) int64,
 * with the class names (JSON) and the key's description in the metadata. The key is a SHA-256 of
 * the weights file (absolute path, modification time, size), the data set, the transform and the
 * feature mode: rewriting the weights, or changing any of the others, gives a new key, and the old
 * entry is simply never read again.
 */
public final class FeatureCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(FeatureCache.class.getName());
    private final Path dir;

    public FeatureCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The cache key of features of {@code dataset} (name, and size or split if it matters) through
     * {@code transform} (a description such as "resize 224, center crop, normalize imagenet") with
     * {@code features} ({@link FeatureExtractor#describe()}) from the weights in {@code weights}.
     *
     * @throws IOException when the weights file cannot be read
     */
    public static String key(Path weights, String dataset, String transform, String features) throws IOException {
        Path abs = weights.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) throw new IOException("feature cache: weights file " + abs + " does not exist");
        String description =
                "weights=" + abs + "\nmtime=" + Files.getLastModifiedTime(abs).toMillis() + "\nbytes=" + Files.size(abs)
                        + "\ndataset=" + dataset + "\ntransform=" + transform + "\nfeatures=" + features;
        return sha256(description);
    }

    /** Where the entry for {@code key} lives. */
    public Path fileFor(String key) {
        if (!key.matches("[0-9a-f]{16,64}"))
            throw new IllegalArgumentException("feature cache: malformed key '" + key + "'");
        return dir.resolve(key + ".safetensors");
    }

    /** The cached features for {@code key}, if present. */
    public Optional<FeatureSet> load(String key) throws IOException {
        Path file = fileFor(key);
        if (!Files.isRegularFile(file)) return Optional.empty();
        SafeTensorsFile read = SafeTensors.readFile(file);
        Tensor features = read.tensors().get("features"),
                labels = read.tensors().get("labels");
        String names = read.metadata().get("class_names");
        if (features == null || labels == null || names == null) {
            throw new IOException("feature cache: " + file + " lacks features, labels or class_names; delete it");
        }
        List<String> classNames = JSON.readValue(names, new TypeReference<List<String>>() {});
        return Optional.of(new FeatureSet(features, labels, classNames));
    }

    /** Stores {@code set} under {@code key} (atomically: readers see the old entry or the whole new one). */
    public void save(String key, FeatureSet set) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("features", set.features());
        tensors.put("labels", set.labels());
        Map<String, String> meta =
                Map.of("class_names", JSON.writeValueAsString(set.classNames()), "format", "loupe-features-1");
        SafeTensors.write(fileFor(key), tensors, meta);
    }

    /** The cached features for {@code key}, or {@code compute}'s result, which is then stored. */
    public FeatureSet getOrCompute(String key, Supplier<FeatureSet> compute) throws IOException {
        Optional<FeatureSet> hit = load(key);
        if (hit.isPresent()) {
            LOG.log(System.Logger.Level.INFO, "features: cache hit {0}", fileFor(key));
            return hit.get();
        }
        FeatureSet set = compute.get();
        save(key, set);
        return set;
    }

    private static String sha256(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
