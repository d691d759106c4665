package dev.loupe.clip;

import dev.loupe.autograd.Var;
import dev.loupe.ssl.common.L2Normalize;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;

/**
 * CLIP's symmetric contrastive loss: image and text embeddings L2-normalised, logits =
 * exp(s) I T^T (B, B), labels = arange(B), loss = (CE(logits) + CE(logits^T)) / 2. Negatives are the
 * other pairs of the batch given. Across ranks (open_clip's gather_with_grad with local_loss) each
 * rank scores its own images against every rank's texts and its own texts against every rank's
 * images, gathered with gradients, so the mean over ranks is the one-process loss of the global batch.
 */
public final class ClipLoss {
    private ClipLoss() {}

    /** image (B, E), text (B, E), logScale () -> scalar loss; gradients flow to all three. */
    public static Var loss(Var image, Var text, Var logScale) {
        return loss(image, text, logScale, Communicator.single());
    }

    /** image, text (b, E) this rank's embeddings; logScale () -> this rank's loss against the W b pairs of all ranks. */
    public static Var loss(Var image, Var text, Var logScale, Communicator comm) {
        if (image.rank() != 2 || !java.util.Arrays.equals(image.sizes(), text.sizes())) {
            throw new IllegalArgumentException("CLIP loss: image "
                    + image.data().shape() + " and text " + text.data().shape() + " embeddings must both be (B, E)");
        }
        int b = image.size(0);
        if (comm.worldSize() > 1) {
            Var qi = L2Normalize.rows(image), qt = L2Normalize.rows(text); // (b, E)
            Var scale = logScale.exp();
            Var perImage = qi.matmul(qt.allGather(comm).mT()).mul(scale); // (b, W b)
            Var perText = qt.matmul(qi.allGather(comm).mT()).mul(scale); // (b, W b)
            Tensor labels = Tensor.arange(DType.I64, comm.rank() * b, comm.rank() * b + b, 1);
            return perImage.crossEntropy(labels, 0)
                    .add(perText.crossEntropy(labels, 0))
                    .mul(0.5);
        }
        Var logits =
                L2Normalize.rows(image).matmul(L2Normalize.rows(text).mT()).mul(logScale.exp()); // (B, B) image -> text
        Tensor labels = Tensor.arange(b).to(image.data().device());
        return logits.crossEntropy(labels, 0)
                .add(logits.mT().crossEntropy(labels, 0))
                .mul(0.5);
    }
}
