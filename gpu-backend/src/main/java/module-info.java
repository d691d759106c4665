/**
 * The OpenCL backend and the MPI communicator through FFM, found by ServiceLoader; nothing compiles against
 * them. The FFM bindings (dev.loupe.gpu.opencl.internal, dev.loupe.gpu.mpi) are not exported.
 */
module dev.loupe.gpu {
    requires dev.loupe.tensor;

    // OpenClDevice and DeviceOutOfMemoryException, for callers that report device memory
    exports dev.loupe.gpu.opencl;

    provides dev.loupe.tensor.BackendProvider with dev.loupe.gpu.opencl.OpenClProvider;
    provides dev.loupe.tensor.dist.CommunicatorProvider with dev.loupe.gpu.mpi.MpiCommunicatorProvider;
}
