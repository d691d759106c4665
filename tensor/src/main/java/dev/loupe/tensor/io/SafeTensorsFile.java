package dev.loupe.tensor.io;

import dev.loupe.tensor.Tensor;
import java.util.Map;

/**
 * The contents of a safetensors file.
 *
 * @param tensors  by name, in the order their data appears in the file
 * @param metadata the free-form {@code __metadata__} string map (empty when the file has none)
 */
public record SafeTensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {}
