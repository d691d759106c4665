package dev.loupe.gpu.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.gpu.cuda.internal.NcclLibrary;
import dev.loupe.tensor.dist.CommunicationException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NCCL bindings' ABI, without NCCL or a GPU: gcc builds src/test/c/fake_nccl.c, a library with NCCL's C
 * signatures whose collectives work on host memory and write values that encode the arguments they received, and
 * NcclLibrary loads it through -Dloupe.nccl.path. A swapped, truncated or mistyped argument (size_t count, the
 * 128-byte ncclUniqueId passed by value, int enums, pointers) changes a value or makes the fake return
 * ncclInvalidArgument. (Not in scripts/gpu-check's packages: the GPU machine runs the real library instead.)
 */
class NcclLibraryAbiTest {
    private static final MemorySegment STREAM = MemorySegment.ofAddress(0x5);

    @TempDir
    static Path dir;

    private static NcclLibrary nccl;

    @BeforeAll
    static void buildTheFake() throws IOException, InterruptedException {
        Path so = dir.resolve("libfake_nccl.so");
        Process gcc = new ProcessBuilder(
                        "gcc",
                        "-shared",
                        "-fPIC",
                        "-O1",
                        "-o",
                        so.toString(),
                        Path.of("src/test/c/fake_nccl.c").toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), "gcc (run-tests installs it): " + log);
        String before = System.getProperty("loupe.nccl.path");
        System.setProperty("loupe.nccl.path", so.toString());
        try {
            nccl = NcclLibrary.load();
        } finally {
            if (before == null) System.clearProperty("loupe.nccl.path");
            else System.setProperty("loupe.nccl.path", before);
        }
    }

    @Test
    void versionIdAndInitPassTheirArguments() {
        assertEquals(22304, nccl.version());
        byte[] id = nccl.uniqueId();
        assertEquals(NcclLibrary.UNIQUE_ID_BYTES, id.length);
        for (int i = 0; i < id.length; i++) assertEquals((byte) (i * 3 + 1), id[i], "id byte " + i);
        MemorySegment comm = nccl.commInitRank(2, id, 1); // the fake checks every id byte, the rank and the size
        assertEquals(0, nccl.asyncError(comm));
        nccl.destroy(comm);

        id[77] ^= 1;
        CommunicationException e = assertThrows(CommunicationException.class, () -> nccl.commInitRank(2, id, 1));
        assertEquals(
                "ncclCommInitRank failed: invalid argument (fake) [" + dir.resolve("libfake_nccl.so")
                        + "; NCCL_DEBUG=WARN tells more]",
                e.getMessage());
    }

    @Test
    void collectivesGetCountTypeOpRootCommAndStreamInOrder() {
        byte[] id = nccl.uniqueId();
        MemorySegment comm = nccl.commInitRank(2, id, 1);
        try (Arena a = Arena.ofConfined()) {
            int n = 5;
            MemorySegment send = a.allocate(ValueLayout.JAVA_FLOAT, n), receive = a.allocate(ValueLayout.JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) send.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            nccl.allReduce(send.address(), receive.address(), n, NcclLibrary.FLOAT32, NcclLibrary.AVG, comm, STREAM);
            assertArrayEquals(plus(n, 1000 * n + 100 * 7 + 10 * 4), receive.toArray(ValueLayout.JAVA_FLOAT));
            nccl.broadcast(send.address(), receive.address(), n, NcclLibrary.FLOAT32, 3, comm, STREAM);
            assertArrayEquals(plus(n, 1000 * n + 700 + 30), receive.toArray(ValueLayout.JAVA_FLOAT));
            nccl.allGather(send.address(), receive.address(), n, NcclLibrary.FLOAT32, comm, STREAM);
            assertArrayEquals(plus(n, 1000 * n + 700), receive.toArray(ValueLayout.JAVA_FLOAT));
            nccl.reduceScatter(
                    send.address(), receive.address(), n, NcclLibrary.FLOAT32, NcclLibrary.SUM, comm, STREAM);
            assertArrayEquals(plus(n, 1000 * n + 700), receive.toArray(ValueLayout.JAVA_FLOAT));

            CommunicationException e = assertThrows(
                    CommunicationException.class,
                    () -> nccl.allReduce(send.address(), receive.address(), n, 99, NcclLibrary.SUM, comm, STREAM));
            assertEquals(
                    true,
                    e.getMessage()
                            .startsWith("ncclAllReduce failed: invalid argument (fake) (fake: unsupported datatype)"),
                    e.getMessage());

            MemorySegment d = a.allocate(ValueLayout.JAVA_DOUBLE, 2), r = a.allocate(ValueLayout.JAVA_DOUBLE, 2);
            d.setAtIndex(ValueLayout.JAVA_DOUBLE, 1, 0.25);
            nccl.allReduce(d.address(), r.address(), 2, NcclLibrary.FLOAT64, NcclLibrary.SUM, comm, STREAM);
            assertArrayEquals(new double[] {2800, 2800.25}, r.toArray(ValueLayout.JAVA_DOUBLE));
        } finally {
            nccl.abort(comm);
        }
    }

    private static float[] plus(int n, float add) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = i + add;
        return out;
    }
}
