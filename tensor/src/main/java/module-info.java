/**
 * Tensors, the Backend SPI with the built-in CPU backend (Vector API kernels), collectives' SPI, safetensors
 * and .npy IO. Accelerator backends and communicators plug in through {@link dev.loupe.tensor.BackendProvider}
 * and {@link dev.loupe.tensor.dist.CommunicatorProvider}.
 */
module dev.loupe.tensor {
    requires transitive jdk.incubator.vector;
    requires com.fasterxml.jackson.databind;

    exports dev.loupe.tensor;
    exports dev.loupe.tensor.dist;
    exports dev.loupe.tensor.io;
    // the CPU kernels: for the GEMM benchmarks only
    exports dev.loupe.tensor.cpu to
            dev.loupe.bench;
    // test assertions and the collective conformance suite, for the tests of every module and of new backends
    exports dev.loupe.tensor.testing;

    opens dev.loupe.tensor.io to
            com.fasterxml.jackson.databind;

    uses dev.loupe.tensor.BackendProvider;
    uses dev.loupe.tensor.dist.CommunicatorProvider;
}
