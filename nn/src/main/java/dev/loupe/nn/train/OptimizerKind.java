package dev.loupe.nn.train;

import java.util.Locale;

/** The optimiser a {@link Trainer} builds. */
public enum OptimizerKind {
    ADAMW,
    SGD,
    LARS;

    public static OptimizerKind parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "adamw" -> ADAMW;
            case "sgd" -> SGD;
            case "lars" -> LARS;
            default -> throw new IllegalArgumentException("optimizer must be adamw, sgd or lars, got '" + s + "'");
        };
    }
}
