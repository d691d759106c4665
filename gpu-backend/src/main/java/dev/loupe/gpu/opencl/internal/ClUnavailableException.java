package dev.loupe.gpu.opencl.internal;

/** No usable OpenCL here (no ICD loader, no platform, no device at the asked index); the message says which. */
public final class ClUnavailableException extends RuntimeException {
    public ClUnavailableException(String reason) {
        super(reason);
    }
}
