package dev.loupe.eval.zeroshot;

import java.util.List;

/**
 * Prompt templates for zero-shot classifiers; {@code {}} stands for the class name.
 */
public final class Templates {
    /** CLIP's single default prompt. */
    public static final List<String> SIMPLE = List.of("a photo of a {}.");

    /** The 7-template ImageNet subset OpenAI's CLIP prompt-engineering notebook selected. */
    public static final List<String> OPENAI_IMAGENET_7 = List.of(
            "itap of a {}.",
            "a bad photo of the {}.",
            "a origami {}.",
            "a photo of the large {}.",
            "a {} in a video game.",
            "art of the {}.",
            "a photo of the small {}.");

    private Templates() {}

    /** The template with every {@code {}} replaced by the class name. */
    public static String format(String template, String className) {
        if (!template.contains("{}"))
            throw new IllegalArgumentException("template '" + template + "' has no {} for the class name");
        return template.replace("{}", className);
    }
}
