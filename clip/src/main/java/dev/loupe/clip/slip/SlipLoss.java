package dev.loupe.clip.slip;

import dev.loupe.autograd.Var;
import dev.loupe.clip.ClipLoss;
import dev.loupe.ssl.simclr.NtXentLoss;
import dev.loupe.tensor.dist.Communicator;

/**
 * SLIP's objective: L = L_CLIP + sslScale * L_SimCLR, the SimCLR term being NT-Xent of the two SSL
 * views' projections (SLIP: sslScale 1.0, temperature 0.1).
 */
public final class SlipLoss {
    /** SLIP's defaults. */
    public static final double DEFAULT_SSL_SCALE = 1.0, DEFAULT_TEMPERATURE = 0.1;

    /** The total and its two terms (the terms for metrics). */
    public record Parts(Var total, Var clip, Var ssl) {}

    private SlipLoss() {}

    /** image, text (B, E); logScale (); za, zb (B, P) the SimCLR projections of the two SSL views. */
    public static Parts loss(Var image, Var text, Var logScale, Var za, Var zb, double sslScale, double temperature) {
        return loss(image, text, logScale, za, zb, sslScale, temperature, Communicator.single());
    }

    /** The same on this rank's rows, both terms against the rows of every rank. */
    public static Parts loss(
            Var image, Var text, Var logScale, Var za, Var zb, double sslScale, double temperature, Communicator comm) {
        Var clip = ClipLoss.loss(image, text, logScale, comm);
        Var ssl = NtXentLoss.loss(za, zb, temperature, comm);
        return new Parts(clip.add(ssl.mul(sslScale)), clip, ssl);
    }
}
