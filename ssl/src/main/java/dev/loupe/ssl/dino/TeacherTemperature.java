package dev.loupe.ssl.dino;

/**
 * DINO's teacher temperature per epoch: numpy linspace(warmupTemp, temp, warmupEpochs) over the first
 * {@code warmupEpochs} epochs (reaching {@code temp} at the last of them), then {@code temp}.
 */
public record TeacherTemperature(double warmupTemp, double temp, int warmupEpochs) {
    public TeacherTemperature {
        if (!(warmupTemp > 0) || !(temp > 0) || warmupEpochs < 0) {
            throw new IllegalArgumentException(
                    "teacher temperature: need temperatures > 0 and warm-up epochs >= 0, got " + warmupTemp + " -> "
                            + temp + " over " + warmupEpochs);
        }
    }

    /** The temperature of epoch {@code epoch} (0-based). */
    public double at(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("teacher temperature: epoch must be >= 0, got " + epoch);
        if (epoch >= warmupEpochs) return temp;
        if (epoch == warmupEpochs - 1) return warmupEpochs == 1 ? warmupTemp : temp;
        return warmupTemp + epoch * ((temp - warmupTemp) / (warmupEpochs - 1));
    }
}
