package dev.loupe.tensor.dist;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hands a small payload from rank 0 to every rank of a job over TCP, at the address torchrun gives every rank
 * (MASTER_ADDR, MASTER_PORT): what NCCL needs to share its unique id before any communicator exists (the part
 * of PyTorch's TCPStore that NCCL's start-up uses). Rank 0 listens; every other rank connects, retrying until
 * rank 0 is up, and says who it is; once all {@code worldSize - 1} ranks have checked in, rank 0 sends each the
 * payload, so returning from {@link #share} is also a barrier.
 *
 * <p>Wire format, big-endian: the rank sends "LOUPE-RV1", its rank and world size (ints); rank 0 answers
 * status 0 and the payload (int length, bytes), or status 1 and a message (UTF) when the rank is a duplicate,
 * out of range or disagrees on the world size.
 */
public final class TcpRendezvous {
    private static final String MAGIC = "LOUPE-RV1";
    private static final int RETRY_MILLIS = 100;

    private TcpRendezvous() {}

    /** torchrun's MASTER_ADDR and MASTER_PORT; an error that names the variable when one is missing or bad. */
    public static InetSocketAddress address(Map<String, String> env) {
        String host = env.get("MASTER_ADDR"), port = env.get("MASTER_PORT");
        if (host == null || host.isBlank())
            throw new IllegalStateException("rendezvous: MASTER_ADDR is not set (torchrun sets it; so can you)");
        if (port == null)
            throw new IllegalStateException("rendezvous: MASTER_PORT is not set (MASTER_ADDR=" + host + ")");
        int p;
        try {
            p = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("rendezvous: MASTER_PORT='" + port + "' is not a port number");
        }
        if (p < 1 || p > 65535) throw new IllegalStateException("rendezvous: MASTER_PORT=" + p + " is outside 1-65535");
        return InetSocketAddress.createUnresolved(host.trim(), p);
    }

    /**
     * Rank 0 passes the payload and gets it back once every rank has it; other ranks pass null and get rank 0's
     * payload. Fails with a {@link CommunicationException} that names the address and who was missing when the
     * job has not met within {@code timeout}.
     */
    public static byte[] share(InetSocketAddress at, int rank, int worldSize, byte[] payload, Duration timeout) {
        if (worldSize < 1 || rank < 0 || rank >= worldSize)
            throw new IllegalArgumentException("rendezvous: rank " + rank + " of " + worldSize + " is not a rank");
        if ((rank == 0) != (payload != null))
            throw new IllegalArgumentException("rendezvous: rank 0, and only rank 0, supplies the payload");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return rank == 0 ? serve(at, worldSize, payload, deadline) : fetch(at, rank, worldSize, deadline);
        } catch (IOException e) {
            throw new CommunicationException(
                    "rendezvous at " + text(at) + " (rank " + rank + " of " + worldSize + "): " + e.getMessage(), e);
        }
    }

    private static byte[] serve(InetSocketAddress at, int worldSize, byte[] payload, long deadline) throws IOException {
        List<Socket> ranks = new ArrayList<>();
        boolean[] seen = new boolean[worldSize];
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(at.getPort()));
            while (ranks.size() < worldSize - 1) {
                int wait = remainingMillis(deadline);
                if (wait <= 0) throw missing(at, worldSize, seen);
                server.setSoTimeout(wait);
                Socket s;
                try {
                    s = server.accept();
                } catch (SocketTimeoutException e) {
                    throw missing(at, worldSize, seen);
                }
                s.setSoTimeout(Math.max(1, remainingMillis(deadline)));
                String problem = greet(s, worldSize, seen);
                if (problem != null) {
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeByte(1);
                    out.writeUTF(problem);
                    out.flush();
                    s.close();
                    throw new IOException(problem);
                }
                ranks.add(s);
            }
            for (Socket s : ranks) {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeByte(0);
                out.writeInt(payload.length);
                out.write(payload);
                out.flush();
            }
            return payload.clone();
        } finally {
            for (Socket s : ranks) s.close();
        }
    }

    /** Reads a rank's greeting and records it; the reason to refuse it, or null. */
    private static String greet(Socket s, int worldSize, boolean[] seen) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] magic = new byte[MAGIC.length()];
        in.readFully(magic);
        if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII)))
            return "a connection from " + s.getRemoteSocketAddress() + " is not a Loupe rank";
        int rank = in.readInt(), size = in.readInt();
        if (size != worldSize)
            return "rank " + rank + " says the world has " + size + " ranks, rank 0 says " + worldSize;
        if (rank < 1 || rank >= worldSize) return "rank " + rank + " is not a rank of a world of " + worldSize;
        if (seen[rank]) return "rank " + rank + " checked in twice (two processes with the same RANK?)";
        seen[rank] = true;
        return null;
    }

    private static byte[] fetch(InetSocketAddress at, int rank, int worldSize, long deadline) throws IOException {
        while (true) {
            InetSocketAddress resolved = new InetSocketAddress(at.getHostString(), at.getPort());
            try (Socket s = new Socket()) {
                s.connect(resolved, Math.max(1, remainingMillis(deadline)));
                s.setSoTimeout(Math.max(1, remainingMillis(deadline)));
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
                out.writeInt(rank);
                out.writeInt(worldSize);
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                try {
                    if (in.readByte() != 0) throw new IOException("rank 0 refused this rank: " + in.readUTF());
                    byte[] payload = new byte[in.readInt()];
                    in.readFully(payload);
                    return payload;
                } catch (SocketTimeoutException e) {
                    throw new IOException(
                            "connected, but rank 0 did not send the payload in time (other ranks missing?)");
                }
            } catch (ConnectException | java.net.UnknownHostException e) {
                if (remainingMillis(deadline) <= RETRY_MILLIS)
                    throw new IOException("rank 0 never listened: " + e.getMessage(), e);
                sleep(RETRY_MILLIS);
            }
        }
    }

    private static IOException missing(InetSocketAddress at, int worldSize, boolean[] seen) {
        List<Integer> absent = new ArrayList<>();
        for (int r = 1; r < worldSize; r++) if (!seen[r]) absent.add(r);
        return new IOException(
                "timed out waiting for rank(s) " + absent + " of " + worldSize + " to connect to port " + at.getPort());
    }

    private static int remainingMillis(long deadline) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String text(InetSocketAddress at) {
        return at.getHostString() + ":" + at.getPort();
    }
}
