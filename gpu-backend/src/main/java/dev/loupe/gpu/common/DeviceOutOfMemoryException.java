package dev.loupe.gpu.common;

/** A device allocation that live tensors leave no room for; the message gives the sizes. */
public final class DeviceOutOfMemoryException extends RuntimeException {
    DeviceOutOfMemoryException(String message) {
        super(message);
    }
}
