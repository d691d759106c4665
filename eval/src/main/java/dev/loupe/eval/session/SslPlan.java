package dev.loupe.eval.session;

import dev.loupe.data.Batch;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.nn.ViTConfig;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.TrainerConfig;
import dev.loupe.tensor.Tensor;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What one self-supervised method trains: the backbone, the objective around it, the views of an
 * image, the optimisation, and the settings that identify the method in config.json. Run it with
 * {@link SslRun}.
 *
 * @param method         "dino", "dinov2", "mae", "simclr", "vicreg", "byol" or "moco" (config.json's method;
 *                       also picks the report's sentence on what the weights hold)
 * @param title          the report's title, before ": DATA"
 * @param backbone       the backbone's shape (no head)
 * @param objective      the objective, whose module() is what checkpoints hold
 * @param augmentation   the views of a training image
 * @param config         the trainer configuration
 * @param batch          images per step, over all ranks
 * @param methodSettings the method's own settings for config.json (a resumed run refuses other values)
 * @param backboneState  the backbone to evaluate and to write at the end, under timm ViT names
 */
public record SslPlan(
        String method,
        String title,
        ViTConfig backbone,
        Objective<Batch> objective,
        ViewTransform augmentation,
        TrainerConfig config,
        int batch,
        Map<String, Object> methodSettings,
        Supplier<Map<String, Tensor>> backboneState) {}
