package dev.loupe.clip;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.tensor.Tensor;

/**
 * CLIP's symmetric contrastive loss: image and text embeddings L2-normalised, logits =
 * exp(s) I T^T (B, B), labels = arange(B), loss = (CE(logits) + CE(logits^T)) / 2. Negatives are the
 * other pairs of the batch given (one process; no all-gather).
 */
public final class ClipLoss {
    private ClipLoss() {}

    /** image (B, E), text (B, E), logScale () -> scalar loss; gradients flow to all three. */
    public static Var loss(Var image, Var text, Var logScale) {
        if (image.rank() != 2 || !java.util.Arrays.equals(image.sizes(), text.sizes())) {
            throw new IllegalArgumentException("CLIP loss: image " + image.data().shape() + " and text " + text.data().shape()
                    + " embeddings must both be (B, E)");
        }
        int b = image.size(0);
        Var logits = L2Normalize.rows(image).matmul(L2Normalize.rows(text).mT()).mul(logScale.exp());   // (B, B) image -> text
        Tensor labels = Tensor.arange(b).to(image.data().device());
        return logits.crossEntropy(labels, 0).add(logits.mT().crossEntropy(labels, 0)).mul(0.5);
    }
}
