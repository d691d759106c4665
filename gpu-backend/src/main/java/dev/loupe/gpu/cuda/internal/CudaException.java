package dev.loupe.gpu.cuda.internal;

/** A CUDA driver, NVRTC or cuBLAS call that returned an error: names the call, the code and the code's name. */
public final class CudaException extends RuntimeException {
    private final int code;

    public CudaException(String call, int code, String codeName, String detail) {
        super(call + " failed: " + code + " (" + codeName + ")"
                + (detail == null || detail.isBlank() ? "" : "\n" + detail));
        this.code = code;
    }

    public int code() {
        return code;
    }
}
