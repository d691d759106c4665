package dev.loupe.data.shapes;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Captions for scenes: each object as "a small red circle at the top left", objects joined by
 * " and ", after one of a few openings the scene's template picks ("", "a photo of ", "there is ",
 * "an image with ").
 */
public final class CaptionWriter {
    private static final List<String> OPENINGS = List.of("", "a photo of ", "there is ", "an image with ");
    static final int TEMPLATE_COUNT = OPENINGS.size();

    private CaptionWriter() {}

    /** The caption of scene. */
    public static String caption(Scene scene) {
        String objects = scene.objects().stream().map(SceneObject::phrase).collect(Collectors.joining(" and "));
        return OPENINGS.get(scene.template()) + objects;
    }
}
