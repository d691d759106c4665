package dev.loupe.data.source;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.data.BadSampleException;
import dev.loupe.data.Dataset;
import dev.loupe.data.Image;
import dev.loupe.data.Sample;
import dev.loupe.data.decode.ChannelMode;
import dev.loupe.data.decode.ImageDecoder;
import dev.loupe.data.source.WebDatasetIndex.Entry;
import dev.loupe.data.source.WebDatasetIndex.Part;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Samples stored in webdataset tar shards, read with random access. {@link #open} expands the shard
 * pattern ({@link ShardPattern}) and indexes every shard once ({@link WebDatasetIndex}: key grouping,
 * offsets; .tar.gz shards are decompressed into memory at open). A sample is
 * <ul>
 *   <li>image: the .jpg, .jpeg, .png or .bmp member (first in that order), decoded to RGB by default;</li>
 *   <li>caption: the .txt member, else the "caption" or "text" string of the .json member, stripped of
 *       surrounding white space; null when the sample has neither;</li>
 *   <li>label: the integer in the .cls member, else {@link Sample#NO_LABEL}.</li>
 * </ul>
 * get(i) throws {@link BadSampleException} naming {@code shard:key} for a sample without an image, an
 * undecodable image, an empty caption, malformed JSON or a non-integer .cls. Class names are "0" up to
 * the largest .cls value seen (webdataset shards carry no names).
 *
 * <p>Threading: immutable after open; get(i) opens the shard and reads with positional reads.
 * Distributed runs call {@link #shard} once per rank. Loader workers need no further split: they draw
 * indices from the sampler and read them at random.
 */
public final class WebDataset implements Dataset {
    /** Default bound on the sample bytes kept in memory for .tar.gz shards (512 MiB). */
    public static final long DEFAULT_MAX_IN_MEMORY_BYTES = 512L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final List<Path> shards;
    private final List<Entry> entries;
    private final List<String> classNames;
    private final ChannelMode mode;

    private WebDataset(String name, List<Path> shards, List<Entry> entries, List<String> classNames, ChannelMode mode) {
        this.name = name;
        this.shards = shards;
        this.entries = entries;
        this.classNames = classNames;
        this.mode = mode;
    }

    /** Opens the shards of pattern, decoding images to RGB. */
    public static WebDataset open(String pattern) {
        return open(pattern, ChannelMode.RGB, DEFAULT_MAX_IN_MEMORY_BYTES);
    }

    /** Opens the shards of pattern with a channel mode for the images. */
    public static WebDataset open(String pattern, ChannelMode mode) {
        return open(pattern, mode, DEFAULT_MAX_IN_MEMORY_BYTES);
    }

    /** Opens the shards of pattern with a channel mode and a bound on in-memory bytes for .tar.gz shards. */
    public static WebDataset open(String pattern, ChannelMode mode, long maxInMemoryBytes) {
        List<Path> shards = ShardPattern.resolve(pattern);
        List<Entry> entries = WebDatasetIndex.build(shards, maxInMemoryBytes);
        int maxLabel = entries.stream().mapToInt(Entry::label).max().orElse(Sample.NO_LABEL);
        List<String> classes =
                IntStream.rangeClosed(0, maxLabel).mapToObj(Integer::toString).toList();
        return new WebDataset(pattern, shards, List.copyOf(entries), classes, mode);
    }

    /**
     * The part of this data set that rank reads in a run of worldSize processes. With at least as many
     * shards as ranks, rank keeps the samples of shards i with i % worldSize == rank (ranks may then
     * get different sample counts when shards differ in size); with fewer shards than ranks, it keeps
     * samples j with j % worldSize == rank. Either way the parts are disjoint and cover the data set.
     */
    public WebDataset shard(int rank, int worldSize) {
        if (worldSize <= 0 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException(
                    "shard needs 0 <= rank < worldSize, got rank " + rank + " of " + worldSize);
        }
        boolean byShard = shards.size() >= worldSize;
        List<Entry> kept = new ArrayList<>();
        for (int j = 0; j < entries.size(); j++) {
            int owner = byShard ? entries.get(j).shard() : j;
            if (owner % worldSize == rank) kept.add(entries.get(j));
        }
        return new WebDataset(
                name + "[rank " + rank + "/" + worldSize + "]", shards, List.copyOf(kept), classNames, mode);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public Sample get(int index) {
        Entry e = entries.get(index);
        Path shard = shards.get(e.shard());
        String source = shard + ":" + e.key();
        String imageExt = WebDatasetIndex.IMAGE_PREFERENCE.stream()
                .filter(e.parts()::containsKey)
                .findFirst()
                .orElse(null);
        if (imageExt == null) {
            throw new BadSampleException(
                    source,
                    "no image member (.jpg, .jpeg, .png or .bmp); members: "
                            + e.parts().keySet());
        }
        if (e.labelError() != null) throw new BadSampleException(source, e.labelError());
        try (FileChannel channel = needsFile(e) ? FileChannel.open(shard, StandardOpenOption.READ) : null) {
            Image image =
                    ImageDecoder.decode(bytes(channel, e.parts().get(imageExt), source), source + "." + imageExt, mode);
            return new Sample(source, image, e.label(), caption(channel, e, source));
        } catch (IOException ex) {
            throw new BadSampleException(source, "cannot read shard: " + ex.getMessage(), ex);
        }
    }

    /**
     * The caption of sample index (the .txt member, else the .json "caption" or "text"), read without
     * the image, which is neither decoded nor required to be there.
     *
     * @throws BadSampleException naming {@code shard:key} for an empty caption or malformed JSON
     */
    @Override
    public String caption(int index) {
        Entry e = entries.get(index);
        Path shard = shards.get(e.shard());
        String source = shard + ":" + e.key();
        try (FileChannel channel = needsFile(e) ? FileChannel.open(shard, StandardOpenOption.READ) : null) {
            return caption(channel, e, source);
        } catch (IOException ex) {
            throw new BadSampleException(source, "cannot read shard: " + ex.getMessage(), ex);
        }
    }

    private static boolean needsFile(Entry e) {
        return e.parts().values().stream().anyMatch(p -> p.data() == null);
    }

    private static String caption(FileChannel channel, Entry e, String source) throws IOException {
        Part txt = e.parts().get("txt");
        if (txt != null)
            return nonEmpty(new String(bytes(channel, txt, source), StandardCharsets.UTF_8), source, ".txt");
        Part json = e.parts().get("json");
        if (json == null) return null;
        JsonNode root;
        try {
            root = JSON.readTree(bytes(channel, json, source));
        } catch (JacksonException ex) {
            throw new BadSampleException(source + ".json", "malformed JSON: " + ex.getOriginalMessage(), ex);
        }
        for (String field : List.of("caption", "text")) {
            JsonNode v = root == null ? null : root.get(field);
            if (v != null && v.isTextual()) return nonEmpty(v.asText(), source, ".json field '" + field + "'");
        }
        return null;
    }

    private static String nonEmpty(String caption, String source, String where) {
        String s = caption.strip();
        if (s.isEmpty()) throw new BadSampleException(source, "empty caption in " + where);
        return s;
    }

    private static byte[] bytes(FileChannel channel, Part part, String source) throws IOException {
        if (part.data() != null) return part.data();
        ByteBuffer buf = ByteBuffer.allocate(part.size());
        while (buf.hasRemaining()) {
            if (channel.read(buf, part.offset() + buf.position()) < 0) {
                throw new BadSampleException(
                        source,
                        "shard ends at byte offset " + (part.offset() + buf.position()) + " inside a member of "
                                + part.size() + " bytes at offset " + part.offset() + " (file changed since open?)");
            }
        }
        return buf.array();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** The shard files, in pattern order (the full list, also after {@link #shard}). */
    public List<Path> shards() {
        return shards;
    }

    /** The webdataset key of sample index ("000012" or "dir/000012"). */
    public String key(int index) {
        return entries.get(index).key();
    }

    /** The shard file sample index comes from. */
    public Path shardOf(int index) {
        return shards.get(entries.get(index).shard());
    }
}
