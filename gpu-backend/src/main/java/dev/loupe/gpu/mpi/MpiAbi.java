package dev.loupe.gpu.mpi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;

/**
 * How a libmpi spells its predefined handles. Open MPI: a handle is a pointer, and MPI_COMM_WORLD,
 * MPI_FLOAT, MPI_SUM are the addresses of the global symbols ompi_mpi_comm_world, ompi_mpi_float,
 * ompi_mpi_op_sum. MPICH and its ABI relatives (Intel MPI, MVAPICH): a handle is a 32-bit int with
 * fixed values from mpi.h.
 *
 * @param implementation "Open MPI" or "MPICH"
 * @param handle         the layout of a handle argument (ADDRESS or JAVA_INT)
 */
record MpiAbi(
        String implementation, MemoryLayout handle, Object commWorld, Object float32, Object float64, Object opSum) {
    // MPICH's mpi.h values
    private static final int MPICH_COMM_WORLD = 0x44000000;
    private static final int MPICH_FLOAT = 0x4c00040a;
    private static final int MPICH_DOUBLE = 0x4c00080b;
    private static final int MPICH_SUM = 0x58000003;

    /** The ABI of the library behind {@code lookup}: Open MPI when its handle symbols are there, MPICH's int handles otherwise. */
    static MpiAbi detect(SymbolLookup lookup) {
        var world = lookup.find("ompi_mpi_comm_world");
        if (world.isPresent()) {
            return new MpiAbi(
                    "Open MPI",
                    ValueLayout.ADDRESS,
                    world.get(),
                    symbol(lookup, "ompi_mpi_float"),
                    symbol(lookup, "ompi_mpi_double"),
                    symbol(lookup, "ompi_mpi_op_sum"));
        }
        if (lookup.find("MPI_Init_thread").isPresent()) {
            return new MpiAbi("MPICH", ValueLayout.JAVA_INT, MPICH_COMM_WORLD, MPICH_FLOAT, MPICH_DOUBLE, MPICH_SUM);
        }
        throw new IllegalStateException(
                "the library has neither Open MPI's handle symbols nor MPI_Init_thread; is it libmpi?");
    }

    private static Object symbol(SymbolLookup lookup, String name) {
        return lookup.find(name)
                .orElseThrow(() -> new IllegalStateException("Open MPI's libmpi lacks the symbol " + name));
    }
}
