package dev.loupe.gpu.opencl.internal;

/** An OpenCL or CLBlast call that returned an error: names the call, the code and the code's name. */
public final class ClException extends RuntimeException {
    private final int code;

    public ClException(String call, int code, String codeName, String detail) {
        super(call + " failed: " + code + " (" + codeName + ")"
                + (detail == null || detail.isBlank() ? "" : "\n" + detail));
        this.code = code;
    }

    /** The error code the call returned. */
    public int code() {
        return code;
    }
}
