/** OpenCL and CUDA backends and NCCL / MPI communicators through FFM, found at run time by ServiceLoader. */
package dev.loupe.gpu;
