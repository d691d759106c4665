package dev.loupe.data.source;

import dev.loupe.data.Dataset;
import dev.loupe.data.Sample;
import dev.loupe.data.decode.ChannelMode;
import dev.loupe.data.decode.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Images in one folder per class, as torchvision's {@code ImageFolder}: {@code root/<class>/**}.
 * Classes are the sub-folders of root sorted by name (label = position in that order); each class
 * folder is walked recursively (following links), sorted by folder and then file name, keeping files
 * whose extension is jpg, jpeg, png or bmp in any case. A root with no class folders, or a class
 * folder with no images, is an error at {@link #open}, like torchvision without {@code allow_empty}.
 *
 * <p>Images decode to RGB by default, like torchvision's default loader, so a folder that mixes grey
 * and colour files still stacks into batches; pass {@link ChannelMode#GREY} for grey data sets.
 * Threading: immutable after open; get(i) reads and decodes one file.
 */
public final class ImageFolder implements Dataset {
    /** File extensions read as images (lower case; matched without regard to case). */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp");

    private final String name;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;
    private final ChannelMode mode;

    private ImageFolder(String name, List<String> classes, List<Path> files, int[] labels, ChannelMode mode) {
        this.name = name;
        this.classes = classes;
        this.files = files;
        this.labels = labels;
        this.mode = mode;
    }

    /** Indexes root, decoding images to RGB. */
    public static ImageFolder open(Path root) {
        return open(root, ChannelMode.RGB);
    }

    /** Indexes root, decoding images with the given channel mode. */
    public static ImageFolder open(Path root, ChannelMode mode) {
        if (!Files.isDirectory(root))
            throw new IllegalArgumentException("image folder " + root + " is not a directory");
        List<Path> classDirs =
                listSorted(root).stream().filter(Files::isDirectory).toList();
        if (classDirs.isEmpty()) {
            throw new IllegalArgumentException(
                    "image folder " + root + " has no class sub-folders (expected root/<class>/<image>)");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            classes.add(dir.getFileName().toString());
            List<Path> images = imagesUnder(dir);
            if (images.isEmpty()) empty.add(dir.getFileName().toString());
            for (Path f : images) {
                files.add(f);
                labels.add(label);
            }
        }
        if (!empty.isEmpty()) {
            throw new IllegalArgumentException(
                    "image folder " + root + ": no " + EXTENSIONS + " files for class(es) " + empty);
        }
        String name = root.toAbsolutePath().normalize().getFileName() == null
                ? root.toString()
                : root.toAbsolutePath().normalize().getFileName().toString();
        return new ImageFolder(
                name,
                List.copyOf(classes),
                List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray(),
                mode);
    }

    /** The image files in order, files sorted by folder then name as os.walk + sorted does. */
    private static List<Path> imagesUnder(Path classDir) {
        try (Stream<Path> walk = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            return walk.filter(Files::isRegularFile)
                    .filter(ImageFolder::hasImageExtension)
                    .sorted(Comparator.comparing((Path p) -> p.getParent().toString())
                            .thenComparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot list image folder " + classDir + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> listSorted(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
    }

    static boolean hasImageExtension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public Sample get(int index) {
        Path file = files.get(index);
        return new Sample(file.toString(), ImageDecoder.read(file, mode), labels[index], null);
    }

    @Override
    public List<String> classNames() {
        return classes;
    }

    /** The file of sample index. */
    public Path file(int index) {
        return files.get(index);
    }

    /** The class index of sample index, without decoding it. */
    public int label(int index) {
        return labels[index];
    }
}
