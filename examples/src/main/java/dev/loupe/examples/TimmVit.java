package dev.loupe.examples;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.eval.embed.ImageEmbedder;
import dev.loupe.eval.embed.ImageFiles;
import dev.loupe.eval.embed.Preprocessing;
import dev.loupe.nn.VisionTransformer;
import dev.loupe.nn.VitWeights;
import dev.loupe.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a ViT saved by timm ({@code safetensors.torch.save_file(model.state_dict(), "vit.safetensors")}):
 * Loupe builds the model from the tensor names and shapes (heads: width / 64, timm's head width, unless
 * the file records them), preprocesses images with ImageNet's statistics as timm does, and prints the
 * top-5 classes of each image.
 *
 * <p>Usage: {@code TimmVit WEIGHTS IMAGE_DIR}
 */
public final class TimmVit {
    public static void main(String[] args) throws IOException {
        VisionTransformer vit = VitWeights.read(Path.of(args[0]));
        System.out.println("loaded " + vit.config());
        List<Path> files = ImageFiles.in(Path.of(args[1]));
        Preprocessing imagenet = new Preprocessing(vit.config().imageSize(), 3, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD);
        float[][] logits = ImageEmbedder.rows(logits(vit, imagenet.batch(ImageFiles.decode(files), 0, files.size())));
        for (int i = 0; i < files.size(); i++) System.out.println(files.get(i).getFileName() + ": top-5 classes " + top5(logits[i]));
    }

    /** images (B, 3, H, W), already normalised -> logits (B, classes), in eval mode without gradients. */
    public static Tensor logits(VisionTransformer vit, Tensor images) {
        vit.train(false);
        try (var scope = GradMode.disable()) {
            return vit.forward(Var.of(images)).data();
        }
    }

    static List<Integer> top5(float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        return List.of(order).subList(0, Math.min(5, order.length));
    }
}
