package dev.loupe.nn.train;

import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.dist.Communicator;
import java.util.Map;

/**
 * A training objective the generic trainer drives: supervised cross-entropy, DINO, DINOv2, MAE,
 * SimCLR, CLIP, SLIP. The trainer owns the loop (data, optimiser, schedules, clipping, checkpoints,
 * metrics); the objective owns the model and everything specific to the method.
 *
 * <p>One step: {@code loss(batch, step)}, backward, {@code beforeOptimizerStep}, optimiser step,
 * {@code afterOptimizerStep}.
 *
 * @param <B> the batch type (dev.loupe.data.Batch for every built-in objective)
 */
public interface Objective<B> {
    /**
     * Everything a checkpoint holds besides the optimiser: the student, the teacher, centres and other
     * running state as buffers. Its state dict is what resume restores.
     */
    Module module();

    /** The parameters the optimiser updates, by checkpoint name (a subset of module()'s). */
    Map<String, Var> trainableParameters();

    /** The scalar loss of one batch, recorded for backward. */
    Var loss(B batch, StepInfo step);

    /** After backward, before the optimiser step: e.g. drop the last layer's gradients in epoch 0. */
    default void beforeOptimizerStep(StepInfo step) {}

    /** After the optimiser step: e.g. the EMA teacher update, clamping CLIP's logit scale. */
    default void afterOptimizerStep(StepInfo step) {}

    /**
     * Called once by {@link Trainer#distributed} before training on several ranks: what the method
     * needs across ranks (gathering embeddings for a contrastive loss over the global batch,
     * all-reducing a centre) uses {@code comm} from then on. Batch norm is synchronised by the trainer.
     */
    default void distribute(Communicator comm) {}

    /**
     * Metadata for each checkpoint's model.safetensors, so that the backbone in it reads back on its own
     * ({@link VitWeights#read}: heads, patch stride, pooling, ...): by default that of the first
     * {@link VisionTransformer} in {@link #module()}, none when it holds none.
     */
    default Map<String, String> weightsMetadata() {
        for (Module m : module().modules())
            if (m instanceof VisionTransformer vit) return VitWeights.metadata(vit.config());
        return Map.of();
    }

    /** Extra scalars of the last step for metrics.jsonl (teacher temperature, momentum, ...). */
    default Map<String, Double> metrics() {
        return Map.of();
    }
}
