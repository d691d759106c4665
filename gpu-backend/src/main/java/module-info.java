/**
 * The OpenCL and CUDA backends and the MPI and NCCL communicators through FFM, found by ServiceLoader; nothing compiles
 * against them. The FFM bindings (dev.loupe.gpu.opencl.internal, dev.loupe.gpu.cuda.internal,
 * dev.loupe.gpu.mpi) are not exported.
 */
module dev.loupe.gpu {
    requires dev.loupe.tensor;

    // OpenClDevice, CudaDevice and the kernel backend they share (DeviceOutOfMemoryException, device memory), for
    // callers that report devices and memory
    exports dev.loupe.gpu.common;
    exports dev.loupe.gpu.cuda;
    exports dev.loupe.gpu.opencl;

    provides dev.loupe.tensor.BackendProvider with
            dev.loupe.gpu.opencl.OpenClProvider,
            dev.loupe.gpu.cuda.CudaProvider;
    provides dev.loupe.tensor.dist.CommunicatorProvider with
            dev.loupe.gpu.mpi.MpiCommunicatorProvider,
            dev.loupe.gpu.cuda.NcclCommunicatorProvider;
}
