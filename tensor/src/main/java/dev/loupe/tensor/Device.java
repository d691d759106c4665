package dev.loupe.tensor;

/** Where a storage lives: {@code cpu}, or an accelerator such as {@code cuda:0} or {@code opencl:0}. */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        if (type == null || type.isBlank()) throw new IllegalArgumentException("device type must not be blank");
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }

    /** Parses "cpu", "cuda", "cuda:1", "opencl:0". */
    public static Device parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) return text.equals("cpu") ? CPU : new Device(text, 0);
        return new Device(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return type.equals("cpu") ? "cpu" : type + ":" + index;
    }
}
