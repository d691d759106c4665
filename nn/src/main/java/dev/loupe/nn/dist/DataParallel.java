package dev.loupe.nn.dist;

import dev.loupe.autograd.Var;
import dev.loupe.nn.BatchNorm1d;
import dev.loupe.nn.DropPath;
import dev.loupe.nn.Module;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.Work;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The start of a data-parallel run: the same weights on every rank, and batch statistics over the global batch. */
public final class DataParallel {
    private DataParallel() {}

    /**
     * Copies rank 0's parameters and buffers to every rank (integer buffers travel as F64, exact up
     * to 2^53), so every rank starts from rank 0's initialisation or checkpoint.
     */
    public static void broadcastState(Module module, Communicator comm) {
        if (comm.worldSize() == 1) return;
        Map<String, Var> params = module.namedParameters();
        List<Work> work = new ArrayList<>();
        List<Runnable> copyBack = new ArrayList<>();
        module.stateDict().forEach((name, t) -> {
            boolean floating = (t.dtype() == DType.F32 || t.dtype() == DType.F64) && t.isContiguous();
            Tensor buf = floating ? t : t.to(DType.F64).contiguous();
            work.add(comm.broadcast(buf, 0));
            Var p = params.get(name);
            if (p != null)
                copyBack.add(() -> p.updateInPlace(d -> {
                    if (d != buf) d.copyFrom(buf.to(d.dtype()));
                }));
            else if (!floating) copyBack.add(() -> t.copyFrom(buf.to(t.dtype())));
        });
        for (Work w : work) w.await();
        copyBack.forEach(Runnable::run);
    }

    /**
     * Per-sample randomness drawn for the global batch (MAE's noise, DINOv2's masks): global (W n, ...)
     * -> this rank's (n, ...), rows r, r + W, r + 2 W, ... (the loader's interleaved sharding, so local
     * row i is global row i W + r, also with views stacked view-major). Draw W n rows, keep these, and
     * the ranks use what one process would.
     */
    public static Tensor rowsOfThisRank(Communicator comm, Tensor global) {
        int w = comm.worldSize();
        if (w == 1) return global;
        if (global.size(0) % w != 0)
            throw new IllegalArgumentException(
                    "per-sample values for " + global.shape() + " rows do not split over " + w + " ranks");
        return global.slice(0, comm.rank(), global.size(0), w).contiguous();
    }

    /** Every DropPath under {@code module} draws the masks of one process with the global batch and keeps this rank's rows. */
    public static int shardDropPath(Module module, Communicator comm) {
        int n = 0;
        for (Module m : module.modules()) {
            if (m instanceof DropPath dp) {
                dp.shard(comm.rank(), comm.worldSize());
                n++;
            }
        }
        return n;
    }

    /** Every BatchNorm1d under {@code module} normalises with the statistics of all ranks' batches (SyncBatchNorm). */
    public static int synchronizeBatchNorm(Module module, Communicator comm) {
        int n = 0;
        for (Module m : module.modules()) {
            if (m instanceof BatchNorm1d bn) {
                bn.synchronize(comm);
                n++;
            }
        }
        return n;
    }
}
