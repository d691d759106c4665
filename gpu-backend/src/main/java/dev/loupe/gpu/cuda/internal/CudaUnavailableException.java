package dev.loupe.gpu.cuda.internal;

/** No usable CUDA here (no driver library, no GPU, no NVRTC, no device at the asked index); the message says which. */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }
}
