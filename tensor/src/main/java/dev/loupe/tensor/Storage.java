package dev.loupe.tensor;

/**
 * A flat run of elements of one dtype on one device. Layout (shape, strides, offset) lives in
 * {@link Tensor}, so views share a storage and cost nothing. A storage may live off the host;
 * only its backend reads its elements.
 */
public interface Storage {
    DType dtype();

    /** Number of elements. */
    int length();

    Device device();
}
