package dev.loupe.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.loupe.autograd.Var;
import dev.loupe.gpu.cuda.internal.CudaUnavailableException;
import dev.loupe.gpu.cuda.internal.NcclLibrary;
import dev.loupe.nn.dist.GradientBuckets;
import dev.loupe.tensor.DType;
import dev.loupe.tensor.Device;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.dist.Communicator;
import dev.loupe.tensor.dist.CommunicatorProvider;
import dev.loupe.tensor.dist.Communicators;
import dev.loupe.tensor.dist.InProcessGroup;
import dev.loupe.tensor.dist.LaunchEnvironment;
import dev.loupe.tensor.dist.Reduction;
import dev.loupe.tensor.dist.Work;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The NCCL communicator. Where NCCL or a GPU is missing (these build machines) the provider must say why and
 * {@code --dist nccl} must fail with that reason; on a machine with both (scripts/gpu-check, which sets
 * LOUPE_REQUIRE_NCCL=1 when it finds libnccl) one rank on cuda:0 runs every collective on random sizes, 0 and
 * odd ones included, against what one rank must give. NCCL refuses two ranks on one GPU, so the multi-rank
 * logic is the MPI and in-process communicators' (their tests), and the id hand-over is tested here on the host.
 */
class NcclCommunicatorTest {
    private static NcclCommunicatorProvider provider() {
        NcclCommunicatorTest.class.getModule().addUses(CommunicatorProvider.class);
        List<NcclCommunicatorProvider> found = ServiceLoader.load(CommunicatorProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p instanceof NcclCommunicatorProvider)
                .map(p -> (NcclCommunicatorProvider) p)
                .toList();
        assertEquals(1, found.size(), "NcclCommunicatorProvider registrations");
        return found.getFirst();
    }

    @Test
    void saysWhyThereIsNoNcclOrRunsEveryCollectiveOnOneRank() {
        NcclCommunicatorProvider provider = provider();
        Optional<String> reason = provider.unavailableReason();
        if (reason.isPresent()) {
            if ("1".equals(System.getenv("LOUPE_REQUIRE_NCCL"))) fail("NCCL is required here but: " + reason.get());
            System.out.println("[NcclCommunicatorTest] no NCCL here: " + reason.get());
            assertTrue(
                    reason.get().startsWith("no NCCL (libnccl.so.2 not found")
                            || reason.get().startsWith("no CUDA"),
                    reason.get());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Communicators.provider("nccl"));
            assertEquals("--dist nccl is not usable here: " + reason.get(), e.getMessage());
            return;
        }
        System.out.println("[NcclCommunicatorTest] NCCL "
                + NcclLibrary.versionText(NcclLibrary.load().version()));
        try (Communicator comm = provider.open(LaunchEnvironment.alone())) {
            assertEquals("nccl", comm.kind());
            assertEquals(0, comm.rank());
            assertEquals(1, comm.worldSize());
            Device cuda = ((NcclCommunicator) comm).device();
            Rng rng = new Rng(7);
            for (int n : new int[] {0, 1, 7, 1000, 65_537}) {
                for (DType type : new DType[] {DType.F32, DType.F64}) {
                    Tensor host = Tensor.randn(rng, n).to(type);
                    Tensor buf = host.to(cuda);
                    for (Reduction op : Reduction.values()) {
                        Work w = comm.allReduce(buf, op);
                        w.await();
                        assertTrue(w.isDone() && w.busyNanos() >= 0);
                        assertArrayEquals(
                                host.toDoubleArray(), buf.to(Device.CPU).toDoubleArray(), n + " " + op);
                    }
                    comm.broadcast(buf, 0).await();
                    assertArrayEquals(host.toDoubleArray(), buf.to(Device.CPU).toDoubleArray());
                    Tensor out = Tensor.zeros(cuda, type, n);
                    comm.allGather(buf, out).await();
                    assertArrayEquals(host.toDoubleArray(), out.to(Device.CPU).toDoubleArray());
                    Tensor scattered = Tensor.zeros(cuda, type, n);
                    comm.reduceScatter(buf, scattered, Reduction.SUM).await();
                    assertArrayEquals(
                            host.toDoubleArray(), scattered.to(Device.CPU).toDoubleArray());
                }
            }
            comm.barrier().await();
            bucketsAverageDeviceGradients(comm, cuda, rng);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> comm.allReduce(Tensor.zeros(3), Reduction.SUM));
            assertTrue(e.getMessage().contains("move it with to(" + cuda + ")"), e.getMessage());
        }
    }

    /** The data-parallel gradient path on device memory: one rank's average is its own gradient, bucket by bucket. */
    private static void bucketsAverageDeviceGradients(Communicator comm, Device cuda, Rng rng) {
        Var a = Var.param(Tensor.randn(rng, 40, 3).to(cuda)),
                b = Var.param(Tensor.randn(rng, 17).to(cuda));
        Var x = Var.of(Tensor.randn(rng, 40, 3).to(cuda)),
                y = Var.of(Tensor.randn(rng, 17).to(cuda));
        a.mul(x).mul(a).sum().add(b.mul(y).sum()).backward();
        float[] da = a.grad().to(Device.CPU).toFloatArray(),
                db = b.grad().to(Device.CPU).toFloatArray();
        a.zeroGrad();
        b.zeroGrad();
        try (GradientBuckets buckets = new GradientBuckets(List.of(a, b), comm, 64)) {
            assertEquals(2, buckets.size());
            a.mul(x).mul(a).sum().add(b.mul(y).sum()).backward();
            buckets.finish();
        }
        assertEquals(cuda, a.grad().device());
        assertArrayEquals(da, a.grad().to(Device.CPU).toFloatArray());
        assertArrayEquals(db, b.grad().to(Device.CPU).toFloatArray());
    }

    @Test
    void anExplicitLibraryThatCannotBeLoadedIsNamed() {
        String before = System.getProperty("loupe.nccl.path");
        System.setProperty("loupe.nccl.path", "/nonexistent/libnccl.so.2");
        try {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, NcclLibrary::load);
            assertTrue(
                    e.getMessage().startsWith("-Dloupe.nccl.path=/nonexistent/libnccl.so.2 cannot be loaded"),
                    e.getMessage());
        } finally {
            if (before == null) System.clearProperty("loupe.nccl.path");
            else System.setProperty("loupe.nccl.path", before);
        }
    }

    @Test
    void theUniqueIdReachesEveryRankOverAHostCommunicatorByteForByte() {
        byte[] id = new byte[NcclLibrary.UNIQUE_ID_BYTES];
        for (int i = 0; i < id.length; i++) id[i] = (byte) (i * 2 - 128); // every sign and both ends
        List<byte[]> got =
                InProcessGroup.run(3, c -> NcclCommunicatorProvider.broadcast(c, c.rank() == 0 ? id.clone() : null));
        for (byte[] g : got) assertArrayEquals(id, g);
    }

    @Test
    void versionCodesReadAsNcclPrintsThem() {
        assertEquals("2.23.4", NcclLibrary.versionText(22304));
        assertEquals("2.10.3", NcclLibrary.versionText(21003));
    }
}
