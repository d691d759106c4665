package dev.loupe.eval.embed;

import dev.loupe.data.Image;
import dev.loupe.data.decode.ChannelMode;
import dev.loupe.data.decode.ImageDecoder;
import dev.loupe.data.source.ImageFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Image files for the embedders: a folder's images in name order, and decoding as stored. */
public final class ImageFiles {
    private ImageFiles() {}

    /** The image files (jpg, jpeg, png, bmp) in dir and its sub-folders, sorted by path. */
    public static List<Path> in(Path dir) {
        if (!Files.isDirectory(dir))
            throw new IllegalArgumentException("image folder " + dir.toAbsolutePath() + " does not exist");
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> files = new ArrayList<>(all.filter(Files::isRegularFile)
                    .filter(ImageFiles::isImage)
                    .sorted()
                    .toList());
            if (files.isEmpty()) {
                throw new IllegalArgumentException(
                        "image folder " + dir.toAbsolutePath() + " holds no " + ImageFolder.EXTENSIONS + " files");
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Each file decoded with the channels it stores, pixels in [0, 1]. */
    public static List<Image> decode(List<Path> files) {
        return files.stream()
                .map(f -> ImageDecoder.read(f, ChannelMode.AS_STORED))
                .toList();
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && ImageFolder.EXTENSIONS.contains(name.substring(dot + 1));
    }
}
