package dev.loupe.ssl.dino;

import dev.loupe.autograd.GradMode;
import dev.loupe.autograd.Var;
import dev.loupe.nn.Module;
import dev.loupe.ssl.common.GlobalMean;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;

/**
 * DINO's cross-entropy between teacher and student crops (main_dino.py DINOLoss). Student
 * probabilities log_softmax(s / studentTemp); teacher softmax((t - center) / teacherTemp) on the 2
 * global crops. For every teacher crop i and student crop v != i the term is
 * mean_batch(-sum_k t_i log s_v); the loss is the mean of the terms. After the loss the center moves
 * to centerMomentum * center + (1 - centerMomentum) * mean_batch(teacher logits). The center is the
 * buffer {@code center} (1, K).
 */
public final class DinoLoss extends Module {
    /** Teacher crops: the 2 global ones. */
    public static final int TEACHER_CROPS = 2;

    private final double studentTemp, centerMomentum;
    private final int outDim;
    private double lastTeacherEntropy = Double.NaN;
    private Communicator sync = Communicator.single();

    public DinoLoss(int outDim, double studentTemp, double centerMomentum) {
        if (outDim < 1 || !(studentTemp > 0) || !(centerMomentum >= 0 && centerMomentum <= 1)) {
            throw new IllegalArgumentException(
                    "DinoLoss: need K >= 1, student temp > 0, center momentum in [0, 1], got " + outDim + ", "
                            + studentTemp + ", " + centerMomentum);
        }
        this.outDim = outDim;
        this.studentTemp = studentTemp;
        this.centerMomentum = centerMomentum;
        buffer("center", Tensor.zeros(1, outDim));
    }

    /** DINO's defaults: student temp 0.1, center momentum 0.9. */
    public DinoLoss(int outDim) {
        this(outDim, 0.1, 0.9);
    }

    /**
     * The loss, then the center update.
     *
     * @param studentOut  (V*B, K) head outputs of all V crops, crop-major (globals first)
     * @param teacherOut  (2*B, K) teacher head outputs of the 2 global crops, crop-major
     * @param teacherTemp this epoch's teacher temperature
     */
    public Var forward(Var studentOut, Tensor teacherOut, double teacherTemp) {
        Var loss = loss(studentOut, teacherOut, teacherTemp);
        updateCenter(teacherOut);
        return loss;
    }

    /** The loss alone, with the current center. Shapes as {@link #forward}. */
    public Var loss(Var studentOut, Tensor teacherOut, double teacherTemp) {
        int b = checkShapes(studentOut, teacherOut);
        int crops = studentOut.size(0) / b;
        Tensor teacherProbs = teacherProbabilities(teacherOut, teacherTemp); // (2B, K)
        lastTeacherEntropy = meanEntropy(teacherProbs);
        Var logProbs = studentOut.div(studentTemp).logSoftmax(-1); // (V*B, K)
        Var total = null;
        int terms = 0;
        for (int i = 0; i < TEACHER_CROPS; i++) {
            Var t = Var.of(teacherProbs.narrow(0, i * b, b)); // (B, K)
            for (int v = 0; v < crops; v++) {
                if (v == i) continue;
                Var term =
                        t.mul(logProbs.narrow(0, v * b, b)).sum(false, 1).neg().mean(); // ()
                total = total == null ? term : total.add(term);
                terms++;
            }
        }
        return total.div(terms);
    }

    /** softmax((t - center) / temp) over K, outside the graph. teacherOut: (N, K). */
    public Tensor teacherProbabilities(Tensor teacherOut, double teacherTemp) {
        if (!(teacherTemp > 0))
            throw new IllegalArgumentException("DinoLoss: teacher temperature must be > 0, got " + teacherTemp);
        try (var scope = GradMode.disable()) {
            return teacherOut.sub(center()).div(teacherTemp).softmax(-1);
        }
    }

    /** From now on the center moves toward the mean of every rank's teacher outputs (DINO's all_reduce of batch_center). */
    public void synchronize(Communicator comm) {
        this.sync = comm;
    }

    /** center <- m center + (1 - m) mean over rows of teacherOut (N, K) (of all ranks after {@link #synchronize}). */
    public void updateCenter(Tensor teacherOut) {
        try (var scope = GradMode.disable()) {
            if (sync.worldSize() > 1) {
                Tensor batchCenter = GlobalMean.rows(teacherOut, sync).reshape(1, outDim);
                Tensor center = center();
                center.copyFrom(center.mul(centerMomentum).add(batchCenter.mul(1 - centerMomentum)));
                return;
            }
            // DINO: sum over the batch, divided by the row count
            Tensor batchCenter = teacherOut.sum(true, 0).div(teacherOut.size(0));
            Tensor center = center();
            center.copyFrom(center.mul(centerMomentum).add(batchCenter.mul(1 - centerMomentum)));
        }
    }

    public Tensor center() {
        return buffer("center");
    }

    /**
     * Mean entropy (nats) of the teacher distributions in the last {@link #loss} call. ln K means uniform
     * targets (the collapse centring pushes towards), 0 one-hot targets (the collapse sharpening pushes towards).
     */
    public double lastTeacherEntropy() {
        return lastTeacherEntropy;
    }

    /** Mean over rows of -sum_k p log p; p: (N, K) probabilities. */
    static double meanEntropy(Tensor p) {
        try (var scope = GradMode.disable()) {
            Tensor plogp = p.mul(p.clamp(1e-30, 1.0).log()); // (N, K)
            return -plogp.sum().item() / p.size(0);
        }
    }

    private int checkShapes(Var studentOut, Tensor teacherOut) {
        if (teacherOut.rank() != 2
                || teacherOut.size(1) != outDim
                || teacherOut.size(0) % TEACHER_CROPS != 0
                || studentOut.rank() != 2
                || studentOut.size(1) != outDim) {
            throw new IllegalArgumentException("DinoLoss(K = " + outDim + "): student "
                    + studentOut.data().shape() + " must be (V*B, K) and teacher " + teacherOut.shape() + " (2*B, K)");
        }
        int b = teacherOut.size(0) / TEACHER_CROPS;
        if (studentOut.size(0) % b != 0 || studentOut.size(0) / b < TEACHER_CROPS) {
            throw new IllegalArgumentException(
                    "DinoLoss: student rows " + studentOut.size(0) + " are not V*B with V >= 2 for B = " + b);
        }
        return b;
    }
}
