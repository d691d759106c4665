package dev.loupe.data.source;

import dev.loupe.data.io.GzipInput;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample index of a list of webdataset shards, built once at open. Members are grouped into
 * samples the way webdataset's {@code group_by_keys} does: the key is the member path up to the first
 * dot of its file name, the extension the rest; consecutive members with the same key form one
 * sample (a key that comes back later starts a new sample); two members with the same key and
 * extension in one sample is an error. Members whose name has no dot are ignored.
 *
 * <p>Uncompressed shards keep only offsets and sizes (data is read on demand); .tar.gz and .tgz
 * shards are decompressed once here and the members a sample uses are kept in memory, up to
 * {@code maxInMemoryBytes} over all compressed shards. The small {@code .cls} members are read here
 * in both cases so the class count is known.
 */
final class WebDatasetIndex {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp");
    static final List<String> IMAGE_PREFERENCE = List.of("jpg", "jpeg", "png", "bmp");
    private static final Set<String> USED_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "txt", "json", "cls");
    private static final Pattern KEY_AND_EXTENSION = Pattern.compile("^((?:.*/|)[^./]+)\\.([^/]*)$");
    private static final int MAX_CLS_BYTES = 64;

    /** Where one member's bytes are: in the shard file at offset, or already in memory. */
    record Part(long offset, int size, byte[] data) {}

    /**
     * One sample.
     *
     * @param parts lower-case extension to member
     * @param label the .cls value, {@link dev.loupe.data.Sample#NO_LABEL} when there is none
     * @param labelError why the .cls member is unusable, or null
     */
    record Entry(int shard, String key, Map<String, Part> parts, int label, String labelError) {}

    private WebDatasetIndex() {}

    static List<Entry> build(List<Path> shards, long maxInMemoryBytes) {
        List<Entry> entries = new ArrayList<>();
        long[] inMemory = {0};
        for (int s = 0; s < shards.size(); s++) {
            Path shard = shards.get(s);
            List<TarMembers.Member> members =
                    isCompressed(shard) ? scanCompressed(shard, inMemory, maxInMemoryBytes) : scanPlain(shard);
            group(s, shard, members, entries);
        }
        return entries;
    }

    static boolean isCompressed(Path shard) {
        String n = shard.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".gz") || n.endsWith(".tgz");
    }

    private static List<TarMembers.Member> scanPlain(Path shard) {
        return TarMembers.list(shard, (name, size) -> size <= MAX_CLS_BYTES && "cls".equals(extension(name)));
    }

    private static List<TarMembers.Member> scanCompressed(Path shard, long[] inMemory, long limit) {
        try (InputStream in = GzipInput.decompress(new BufferedInputStream(Files.newInputStream(shard)))) {
            return TarMembers.read(in, shard.toString(), (name, size) -> {
                if (!USED_EXTENSIONS.contains(extension(name))) return false;
                inMemory[0] += size;
                if (inMemory[0] > limit) {
                    throw new IllegalArgumentException(
                            "compressed shards hold more than " + limit + " bytes of sample data (reached in " + shard
                                    + "); decompress them (gunzip) so samples are read from disk on demand");
                }
                return true;
            });
        } catch (GzipInput.CorruptException e) {
            throw new IllegalArgumentException(
                    "tar shard " + shard + ": the gzip stream is truncated or corrupt (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read compressed tar shard " + shard + ": " + e, e);
        }
    }

    private static void group(int shardIndex, Path shard, List<TarMembers.Member> members, List<Entry> out) {
        String key = null;
        Map<String, Part> parts = null;
        for (TarMembers.Member m : members) {
            Matcher km = KEY_AND_EXTENSION.matcher(m.name());
            if (!km.matches()) continue;
            String memberKey = km.group(1);
            String ext = km.group(2).toLowerCase(Locale.ROOT);
            if (!memberKey.equals(key)) {
                if (key != null) out.add(entry(shardIndex, key, parts));
                key = memberKey;
                parts = new LinkedHashMap<>();
            }
            if (parts.containsKey(ext)) {
                throw new IllegalArgumentException("tar shard " + shard + ": sample '" + key + "' has two '" + ext
                        + "' members (the second at byte offset " + m.dataOffset() + ")");
            }
            if (m.size() > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(
                        "tar shard " + shard + ": member '" + m.name() + "' of " + m.size() + " bytes is too large");
            }
            parts.put(ext, new Part(m.dataOffset(), (int) m.size(), m.data()));
        }
        if (key != null) out.add(entry(shardIndex, key, parts));
    }

    private static Entry entry(int shard, String key, Map<String, Part> parts) {
        Part cls = parts.get("cls");
        if (cls == null) return new Entry(shard, key, Map.copyOf(parts), dev.loupe.data.Sample.NO_LABEL, null);
        if (cls.data() == null)
            return new Entry(
                    shard,
                    key,
                    Map.copyOf(parts),
                    dev.loupe.data.Sample.NO_LABEL,
                    "the .cls member has " + cls.size() + " bytes, not a class index");
        String text = new String(cls.data(), StandardCharsets.UTF_8).strip();
        try {
            int label = Integer.parseInt(text);
            if (label < 0)
                return new Entry(
                        shard,
                        key,
                        Map.copyOf(parts),
                        dev.loupe.data.Sample.NO_LABEL,
                        "negative class index " + label + " in .cls");
            return new Entry(shard, key, Map.copyOf(parts), label, null);
        } catch (NumberFormatException e) {
            return new Entry(
                    shard,
                    key,
                    Map.copyOf(parts),
                    dev.loupe.data.Sample.NO_LABEL,
                    "the .cls member '" + text + "' is not an integer");
        }
    }

    /** The lower-case extension webdataset would give name (after the first dot of the file name), or "". */
    static String extension(String name) {
        Matcher m = KEY_AND_EXTENSION.matcher(name);
        return m.matches() ? m.group(2).toLowerCase(Locale.ROOT) : "";
    }
}
