package dev.loupe.data;

/**
 * Per-channel mean and (population) standard deviation of a data set's images, for normalisation.
 *
 * @param mean (C) channel means
 * @param std  (C) channel standard deviations (at least 1e-6)
 */
public record ChannelStats(float[] mean, float[] std) {
    /** The statistics of the first {@code count} images of d (all of the same channel count). */
    public static ChannelStats of(Dataset d, int count) {
        if (count < 1 || count > d.size())
            throw new IllegalArgumentException(d.name() + ": statistics of " + count + " of " + d.size() + " images");
        int channels = d.get(0).image().channels();
        double[] sum = new double[channels], sumSq = new double[channels];
        long[] n = new long[channels];
        for (int i = 0; i < count; i++) {
            Image im = d.get(i).image();
            int plane = im.height() * im.width();
            float[] p = im.pixels();
            for (int c = 0; c < channels; c++) {
                for (int j = c * plane; j < (c + 1) * plane; j++) {
                    sum[c] += p[j];
                    sumSq[c] += (double) p[j] * p[j];
                }
                n[c] += plane;
            }
        }
        float[] mean = new float[channels], std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / n[c];
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(sumSq[c] / n[c] - m * m, 1e-12));
        }
        return new ChannelStats(mean, std);
    }
}
