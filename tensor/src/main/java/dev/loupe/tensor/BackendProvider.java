package dev.loupe.tensor;

import java.util.List;
import java.util.Optional;

/**
 * Service interface for accelerator backends ({@code META-INF/services/dev.loupe.tensor.BackendProvider}).
 * A provider that finds no usable device (no driver, no library) returns empty and says why in
 * {@link #unavailableReason()}.
 */
public interface BackendProvider {
    /** Device type this provider serves, such as "cuda" or "opencl". */
    String type();

    Optional<Backend> open(int deviceIndex);

    /** Why {@link #open} would return empty on this machine, or empty when it would not. */
    Optional<String> unavailableReason();

    /** One line per device this provider sees (index, name, memory, compute units), for {@code loupe info}. */
    default List<String> describeDevices() {
        return List.of();
    }
}
