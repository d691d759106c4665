package dev.loupe.eval.features;

import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Frozen features of a labelled data set: what kNN, the linear probe and logistic regression consume.
 *
 * @param features   float32 (N, F), row i belongs to sample i
 * @param labels     int64 (N), class indices, or -1 where a sample has no label
 * @param classNames class names in label order (may be empty when the data set has none)
 */
public record FeatureSet(Tensor features, Tensor labels, List<String> classNames) {
    public FeatureSet {
        if (features.rank() != 2 || features.dtype() != DType.F32) {
            throw new IllegalArgumentException("features must be float32 (N, F), got " + features.dtype() + " "
                    + Arrays.toString(features.sizes()));
        }
        if (labels.rank() != 1 || labels.dtype() != DType.I64 || labels.size(0) != features.size(0)) {
            throw new IllegalArgumentException("labels must be int64 (" + features.size(0) + "), got " + labels.dtype()
                    + " " + Arrays.toString(labels.sizes()));
        }
        features = features.contiguous();
        labels = labels.contiguous();
        classNames = List.copyOf(classNames);
    }

    /** Number of samples N. */
    public int size() {
        return features.size(0);
    }

    /** Feature width F. */
    public int dim() {
        return features.size(1);
    }

    /** The number of classes: the class-name count, or 1 + the largest label when there are no names. */
    public int numClasses() {
        if (!classNames.isEmpty()) return classNames.size();
        long max = -1;
        for (long l : labels.toLongArray()) max = Math.max(max, l);
        return (int) (max + 1);
    }

    /**
     * The labels as ints, checked to lie in [0, numClasses) so that classifiers can index with them.
     *
     * @param what names the set in the error ("train features")
     */
    public int[] checkedLabels(String what) {
        long[] raw = labels.toLongArray();
        int k = numClasses();
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0 || raw[i] >= k) {
                throw new IllegalArgumentException(
                        what + ": sample " + i + " has label " + raw[i] + ", outside [0, " + k + ")");
            }
            out[i] = (int) raw[i];
        }
        return out;
    }
}
