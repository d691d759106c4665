package dev.loupe.eval.supervised;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.data.Batch;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderEpoch;
import dev.loupe.eval.report.ConfusionMatrix;
import dev.loupe.nn.VisionTransformer;
import java.util.List;

/**
 * Top-1 accuracy and confusion matrix of a classifier ViT over one pass of a loader (use an
 * unshuffled loader with the eval transform). Runs in eval mode without gradients and restores the
 * model's mode afterwards.
 */
public final class Accuracy {
    private Accuracy() {}

    public static AccuracyResult evaluate(VisionTransformer model, Loader loader) {
        List<String> classes = loader.dataset().classNames();
        if (classes.size() != model.config().numClasses()) {
            throw new IllegalArgumentException(loader.dataset().name() + " has " + classes.size()
                    + " classes but the model's head has " + model.config().numClasses() + " outputs");
        }
        ConfusionMatrix confusion = new ConfusionMatrix(classes);
        boolean wasTraining = model.isTraining();
        model.train(false);
        try (var noGrad = GradMode.disable();
                LoaderEpoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                if (b.labels() == null)
                    throw new IllegalArgumentException(
                            loader.dataset().name() + " has no labels to measure accuracy against");
                Var images = Var.of(b.images().to(model.clsToken.data().device())); // where the model is
                long[] predicted = model.forward(images).data().argmax(1, false).toLongArray(); // (B)
                long[] truth = b.labels().toLongArray();
                for (int i = 0; i < truth.length; i++) confusion.add((int) truth[i], (int) predicted[i]);
            }
        } finally {
            model.train(wasTraining);
        }
        return new AccuracyResult(confusion.accuracy(), confusion.correct(), confusion.total(), confusion);
    }
}
