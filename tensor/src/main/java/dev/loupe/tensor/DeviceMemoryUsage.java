package dev.loupe.tensor;

import java.util.Locale;

/**
 * Device memory of one backend, in bytes, as PyTorch's memory_allocated / memory_reserved /
 * max_memory_allocated report it: {@code allocated} is held by live tensors, {@code reserved} is
 * allocated plus the buffers a caching allocator keeps for reuse, {@code peak} is the most ever
 * allocated at once, {@code budget} the most the backend will reserve.
 */
public record DeviceMemoryUsage(long allocated, long reserved, long peak, long budget) {
    /** One line for {@code loupe info} and {@code --profile}: "12.50 MiB in use (peak 40.00 MiB), 64.00 MiB reserved of 1024.00 MiB". */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%s in use (peak %s), %s reserved of a %s budget",
                mib(allocated),
                mib(peak),
                mib(reserved),
                mib(budget));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
