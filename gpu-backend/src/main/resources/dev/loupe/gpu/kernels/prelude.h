// Loupe kernel prelude: the same kernel sources compile as OpenCL C (1.2) and as CUDA C (NVRTC).
// Build options define the element types and the op codes:
//   T, S    element types (f32 f64 i32 i64 u8); T_FLOAT = 1 when T is floating, T_BOOL = 1 when T is u8
//   I       index type (i32 or i64) for gather / scatter / index_select
//   U_*, B_*, R_*  the ordinals of Loupe's UnaryOp, BinaryOp and ReduceOp tokens
// Every kernel takes its element count n and returns for ids past it, so a launch may round up.
#ifdef __OPENCL_VERSION__
  #ifdef USE_F64
    #pragma OPENCL EXTENSION cl_khr_fp64 : enable
  #endif
  #define KERNEL __kernel
  #define GLOBAL __global
  #define DEVICE_FN inline
  #define GLOBAL_ID() ((int) get_global_id(0))
  typedef long i64;
  typedef uchar u8;
#else
  #define KERNEL extern "C" __global__
  #define GLOBAL
  #define DEVICE_FN __device__ inline
  #define GLOBAL_ID() ((int) (blockIdx.x * blockDim.x + threadIdx.x))
  typedef long long i64;
  typedef unsigned char u8;
  #ifndef INFINITY
    #define INFINITY __int_as_float(0x7f800000)
  #endif
#endif
typedef float f32;
typedef double f64;
typedef int i32;

// A strided view: element (c0, ..., c{rank-1}) lives at offset + sum c_d stride[d].
#define MAX_RANK 8
typedef struct {
    int rank;
    int offset;
    int size[MAX_RANK];
    int stride[MAX_RANK];
} Layout;

// Storage index of the i-th element of L in row-major order.
DEVICE_FN int at(Layout L, int i) {
    int p = L.offset;
    for (int d = L.rank - 1; d >= 0; d--) {
        int s = L.size[d];
        p += (i % s) * L.stride[d];
        i /= s;
    }
    return p;
}

#define K(v) ((T) (v))
#if T_FLOAT
  #define IS_NAN(x) isnan(x)
  #define T_NAN (K(0.0) / K(0.0))
#else
  #define IS_NAN(x) 0
  #define T_NAN K(0)
#endif
