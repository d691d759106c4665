package dev.loupe.eval.session;

import dev.loupe.clip.ClipModel;
import dev.loupe.clip.tokenizer.Tokenizer;
import dev.loupe.data.Batch;
import dev.loupe.data.transform.ViewTransform;
import dev.loupe.nn.train.Objective;
import dev.loupe.nn.train.TrainerConfig;

/**
 * What one image-text method (CLIP, SLIP) trains: the two-tower model, its tokenizer, the objective around
 * the model, the training views and the optimisation. Run it with {@link ClipRun}.
 *
 * @param method    "clip" or "slip": config.json's method; upper-cased it titles the report
 * @param model     the model, written at the end under open_clip names
 * @param tokenizer the captions' tokenizer, also used by the zero-shot evaluation's prompts
 * @param objective the objective, whose module() is what checkpoints hold
 * @param views     the training views of one image (view 0 is the CLIP view)
 * @param config    the trainer configuration
 * @param batch     images per step, over all ranks
 */
public record ClipPlan(
        String method,
        ClipModel model,
        Tokenizer tokenizer,
        Objective<Batch> objective,
        ViewTransform views,
        TrainerConfig config,
        int batch) {}
