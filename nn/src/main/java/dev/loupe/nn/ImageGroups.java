package dev.loupe.nn;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.KernelProfiler;
import dev.loupe.tensor.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A no-grad pass over a batch as groups of whole images, each group's pass run by one pool thread with
 * its kernels inline ({@link Parallel#forEachCoarse}), the outputs joined along the batch again. The
 * threads then meet once per pass instead of at the end of every kernel, where a late thread (a busy,
 * shared machine) holds the other up. Every op of a ViT treats images independently and a
 * kernel's result for a row does not depend on how many rows it was given, so the outputs are the same
 * bits as one pass over the whole batch (ImageGroupsTest). Off with {@code -Dloupe.image-groups=off}.
 */
final class ImageGroups {
    private ImageGroups() {}

    /**
     * Whether a pass of {@code model} over images (B, ...) goes in groups: nothing is recorded, the model
     * is in eval mode (no dropout or drop path, which draw random numbers in order), the images are on
     * the host, there are two threads and two images at least, the caller is not already one group of
     * such a pass, and the kernel profiler is off (its per-kernel rates assume one kernel at a time).
     */
    static boolean apply(Module model, Var images) {
        return !GradMode.isEnabled()
                && !model.isTraining()
                && Device.CPU.equals(images.data().device())
                && Parallel.threads() > 1
                && images.size(0) > 1
                && !Parallel.runsInline()
                && !KernelProfiler.active()
                && !"off".equals(System.getProperty("loupe.image-groups"));
    }

    /**
     * pass over images (B, ...) in 2 x threads groups of contiguous images (fewer when B is smaller):
     * the pass's outputs, each (B, ...) again, in the order the pass returns them.
     */
    static List<Var> run(Var images, Function<Var, List<Var>> pass) {
        int b = images.size(0), groups = Math.min(b, 2 * Parallel.threads());
        List<List<Var>> outputs = new ArrayList<>();
        for (int g = 0; g < groups; g++) outputs.add(null);
        Parallel.forEachCoarse(groups, g -> {
            int start = (int) ((long) b * g / groups), end = (int) ((long) b * (g + 1) / groups);
            try (var noGrad = GradMode.disable()) {
                outputs.set(g, pass.apply(images.narrow(0, start, end - start)));
            }
        });
        List<Var> joined = new ArrayList<>();
        for (int k = 0; k < outputs.get(0).size(); k++) {
            List<Var> parts = new ArrayList<>(groups);
            for (List<Var> o : outputs) parts.add(o.get(k));
            joined.add(Var.concat(0, parts));
        }
        return joined;
    }
}
