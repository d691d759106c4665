/*
 * A stand-in for libnccl.so.2 with NCCL 2.x's C signatures, for NcclLibraryAbiTest on machines without NCCL or a
 * GPU. "Device" buffers are host memory. Each collective writes a value that encodes the arguments it received, so
 * the test can tell a swapped or truncated argument: recv[i] = send[i] + 1000 * count + 100 * datatype + 10 * op
 * (root for broadcast, 0 for allGather). Float32 (7) and Float64 (8) only; anything else is ncclInvalidArgument.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char internal[128]; } ncclUniqueId;
typedef struct { int nranks, rank; char id[128]; } fakeComm;
typedef fakeComm *ncclComm_t;

static const char *last_error = "";

int ncclGetVersion(int *version) { *version = 22304; return 0; }

int ncclGetUniqueId(ncclUniqueId *id) {
    for (int i = 0; i < 128; i++) id->internal[i] = (char)(i * 3 + 1);
    return 0;
}

int ncclCommInitRank(ncclComm_t *comm, int nranks, ncclUniqueId commId, int rank) {
    for (int i = 0; i < 128; i++) {
        if (commId.internal[i] != (char)(i * 3 + 1)) { last_error = "unique id corrupted"; return 4; }
    }
    if (nranks != 2 || rank != 1) { last_error = "expected rank 1 of 2"; return 4; }
    fakeComm *c = malloc(sizeof(fakeComm));
    c->nranks = nranks; c->rank = rank; memcpy(c->id, commId.internal, 128);
    *comm = c;
    return 0;
}

static int apply(const void *send, void *recv, size_t count, int datatype, double add) {
    if (datatype == 7) {
        const float *s = send; float *r = recv;
        for (size_t i = 0; i < count; i++) r[i] = (float)(s[i] + add);
    } else if (datatype == 8) {
        const double *s = send; double *r = recv;
        for (size_t i = 0; i < count; i++) r[i] = s[i] + add;
    } else {
        last_error = "fake: unsupported datatype";
        return 4;
    }
    return 0;
}

int ncclAllReduce(const void *s, void *r, size_t count, int datatype, int op, ncclComm_t comm, void *stream) {
    if (comm == NULL || comm->rank != 1 || stream != (void *)0x5) { last_error = "bad comm or stream"; return 4; }
    return apply(s, r, count, datatype, 1000.0 * count + 100.0 * datatype + 10.0 * op);
}

int ncclBroadcast(const void *s, void *r, size_t count, int datatype, int root, ncclComm_t comm, void *stream) {
    if (comm == NULL || stream != (void *)0x5) { last_error = "bad comm or stream"; return 4; }
    return apply(s, r, count, datatype, 1000.0 * count + 100.0 * datatype + 10.0 * root);
}

int ncclAllGather(const void *s, void *r, size_t sendcount, int datatype, ncclComm_t comm, void *stream) {
    if (comm == NULL || stream != (void *)0x5) { last_error = "bad comm or stream"; return 4; }
    return apply(s, r, sendcount, datatype, 1000.0 * sendcount + 100.0 * datatype);
}

int ncclReduceScatter(const void *s, void *r, size_t recvcount, int datatype, int op, ncclComm_t comm, void *stream) {
    if (comm == NULL || stream != (void *)0x5) { last_error = "bad comm or stream"; return 4; }
    return apply(s, r, recvcount, datatype, 1000.0 * recvcount + 100.0 * datatype + 10.0 * op);
}

int ncclCommGetAsyncError(ncclComm_t comm, int *asyncError) { *asyncError = comm->nranks == 2 ? 0 : 3; return 0; }
int ncclCommAbort(ncclComm_t comm) { free(comm); return 0; }
int ncclCommDestroy(ncclComm_t comm) { free(comm); return 0; }

const char *ncclGetErrorString(int result) {
    return result == 4 ? "invalid argument (fake)" : "unknown result (fake)";
}

const char *ncclGetLastError(ncclComm_t comm) { (void)comm; return last_error; }
