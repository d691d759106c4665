package dev.loupe.data.shapes;

import java.util.List;

/**
 * Everything one {@link CaptionedShapes} sample is made from.
 *
 * @param objects    1 or 2 objects in reading order of their positions (the first gives the class label)
 * @param background dark background colour, R, G, B in [0, 1]
 * @param template   which caption template ({@link CaptionWriter}) describes the scene
 * @param noiseSeed  seed of the background's per-pixel noise
 */
public record Scene(List<SceneObject> objects, double[] background, int template, long noiseSeed) {
    public Scene {
        objects = List.copyOf(objects);
        for (int i = 1; i < objects.size(); i++) {
            if (objects.get(i - 1).position().ordinal()
                    >= objects.get(i).position().ordinal()) {
                throw new IllegalArgumentException(
                        "scene objects must sit at different positions in reading order, got " + objects);
            }
        }
        background = background.clone();
    }

    @Override
    public double[] background() {
        return background.clone();
    }
}
