package dev.loupe.tensor.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ranks as threads on localhost: every rank gets rank 0's bytes; a missing or misconfigured rank fails with a message. */
class TcpRendezvousTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static InetSocketAddress freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return InetSocketAddress.createUnresolved("127.0.0.1", s.getLocalPort());
        }
    }

    private Future<byte[]> rank(InetSocketAddress at, int rank, int world, byte[] payload, Duration timeout) {
        return pool.submit(() -> TcpRendezvous.share(at, rank, world, payload, timeout));
    }

    @Test
    void everyRankGetsRankZerosPayloadWhicheverStartsFirst() throws Exception {
        InetSocketAddress at = freePort();
        byte[] id = new byte[128];
        for (int i = 0; i < id.length; i++) id[i] = (byte) (i * 37 - 5);
        List<Future<byte[]>> others = new ArrayList<>();
        for (int r = 1; r < 4; r++) others.add(rank(at, r, 4, null, Duration.ofSeconds(20)));
        Thread.sleep(300); // the other ranks retry until rank 0 listens
        byte[] own = TcpRendezvous.share(at, 0, 4, id, Duration.ofSeconds(20));
        assertArrayEquals(id, own);
        for (Future<byte[]> f : others) assertArrayEquals(id, f.get());
    }

    @Test
    void oneRankIsItsOwnRendezvous() {
        byte[] id = {1, 2, 3};
        assertArrayEquals(id, TcpRendezvous.share(freePortUnchecked(), 0, 1, id, Duration.ofSeconds(1)));
    }

    @Test
    void aMissingRankIsNamedWhenTheTimeRunsOut() throws Exception {
        InetSocketAddress at = freePort();
        Future<byte[]> one = rank(at, 1, 3, null, Duration.ofSeconds(2));
        CommunicationException e = assertThrows(
                CommunicationException.class,
                () -> TcpRendezvous.share(at, 0, 3, new byte[] {9}, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("rank(s) [2] of 3"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + at.getPort()), e.getMessage());
        ExecutionException late = assertThrows(ExecutionException.class, one::get);
        assertTrue(late.getCause() instanceof CommunicationException, String.valueOf(late.getCause()));
    }

    @Test
    void ranksThatDisagreeOnTheWorldSizeAreRefused() throws Exception {
        InetSocketAddress at = freePort();
        Future<byte[]> confused = rank(at, 1, 3, null, Duration.ofSeconds(10));
        CommunicationException e = assertThrows(
                CommunicationException.class,
                () -> TcpRendezvous.share(at, 0, 2, new byte[] {9}, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("rank 1 says the world has 3 ranks, rank 0 says 2"), e.getMessage());
        ExecutionException refused = assertThrows(ExecutionException.class, confused::get);
        assertTrue(
                refused.getCause().getMessage().contains("rank 0 refused this rank"),
                refused.getCause().getMessage());
    }

    @Test
    void rankZeroThatNeverListensIsReported() throws Exception {
        InetSocketAddress at = freePort();
        CommunicationException e = assertThrows(
                CommunicationException.class, () -> TcpRendezvous.share(at, 1, 2, null, Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("rank 0 never listened"), e.getMessage());
        assertTrue(e.getMessage().contains("rank 1 of 2"), e.getMessage());
    }

    @Test
    void theAddressComesFromTorchrunsVariables() {
        InetSocketAddress at = TcpRendezvous.address(Map.of("MASTER_ADDR", "node7", "MASTER_PORT", "29500"));
        assertEquals("node7", at.getHostString());
        assertEquals(29500, at.getPort());
        assertEquals(
                "rendezvous: MASTER_ADDR is not set (torchrun sets it; so can you)",
                assertThrows(IllegalStateException.class, () -> TcpRendezvous.address(Map.of("MASTER_PORT", "1")))
                        .getMessage());
        assertEquals(
                "rendezvous: MASTER_PORT='http' is not a port number",
                assertThrows(
                                IllegalStateException.class,
                                () -> TcpRendezvous.address(Map.of("MASTER_ADDR", "a", "MASTER_PORT", "http")))
                        .getMessage());
        assertEquals(
                "rendezvous: MASTER_PORT=70000 is outside 1-65535",
                assertThrows(
                                IllegalStateException.class,
                                () -> TcpRendezvous.address(Map.of("MASTER_ADDR", "a", "MASTER_PORT", "70000")))
                        .getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> TcpRendezvous.share(
                        InetSocketAddress.createUnresolved("a", 1), 1, 2, new byte[1], Duration.ZERO));
    }

    private static InetSocketAddress freePortUnchecked() {
        try {
            return freePort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
