package dev.loupe.data.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.Sample;
import dev.loupe.data.decode.ChannelMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path root;

    @Test
    void classesAndFilesFollowTorchvisionOrder() throws IOException {
        TestImages.write(root.resolve("zebra/b.PNG"), 1);
        TestImages.write(root.resolve("zebra/a.bmp"), 2);
        TestImages.write(root.resolve("cat/2.png"), 3);
        TestImages.write(root.resolve("cat/10.png"), 4);
        TestImages.write(root.resolve("cat/sub/0.png"), 5);
        TestImages.write(root.resolve("cat/x.jpeg"), 6);
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        Files.writeString(root.resolve("README"), "a file beside the class folders is ignored");

        ImageFolder data = ImageFolder.open(root);
        assertEquals(List.of("cat", "zebra"), data.classNames());
        assertEquals(6, data.size());
        // cat/ files sorted by name, then cat/sub/ (os.walk order), then zebra/.
        List<String> expected =
                List.of("cat/10.png", "cat/2.png", "cat/x.jpeg", "cat/sub/0.png", "zebra/a.bmp", "zebra/b.PNG");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(root.resolve(expected.get(i)), data.file(i));
            assertEquals(expected.get(i).startsWith("cat") ? 0 : 1, data.label(i));
        }
        Sample s = data.get(4);
        assertEquals(1, s.label());
        assertEquals(3, s.image().channels());
        assertEquals(2, TestImages.idOf(s.image()));
        assertEquals(root.resolve("zebra/a.bmp").toString(), s.key());
        assertEquals(4, TestImages.idOf(data.get(0).image()));
    }

    @Test
    void greyModeGivesOneChannel() {
        TestImages.write(root.resolve("a/0.png"), 9);
        assertEquals(1, ImageFolder.open(root, ChannelMode.GREY).get(0).image().channels());
    }

    @Test
    void emptyRootOrEmptyClassIsAnError() throws IOException {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> ImageFolder.open(root));
        assertTrue(none.getMessage().contains("no class sub-folders"), none.getMessage());

        TestImages.write(root.resolve("full/0.png"), 1);
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("empty/readme.txt"), "x");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ImageFolder.open(root));
        assertTrue(empty.getMessage().contains("[empty]"), empty.getMessage());

        assertThrows(IllegalArgumentException.class, () -> ImageFolder.open(root.resolve("missing")));
    }

    @Test
    void corruptFileIsABadSampleNamingIt() throws IOException {
        Path bad = root.resolve("a/broken.png");
        Files.createDirectories(bad.getParent());
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        BadSampleException e = assertThrows(
                BadSampleException.class, () -> ImageFolder.open(root).get(0));
        assertEquals(bad.toString(), e.source());
    }
}
