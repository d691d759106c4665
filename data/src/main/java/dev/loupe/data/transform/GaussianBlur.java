package dev.loupe.data.transform;

import dev.loupe.data.Image;
import dev.loupe.tensor.Rng;

/**
 * torchvision's GaussianBlur on tensors: sigma drawn uniformly from [sigmaMin, sigmaMax] for both axes,
 * kernel exp(-x^2 / (2 sigma^2)) normalised to sum 1 over x = -(k-1)/2 .. (k-1)/2, reflect padding of
 * k/2 pixels, then a per-channel 2-D correlation with the outer product of the two 1-D kernels.
 */
public final class GaussianBlur implements Transform {
    private final int kernelSize;
    private final double sigmaMin, sigmaMax;

    /** sigma range (0.1, 2.0), torchvision's default (and DINO's radius range). */
    public GaussianBlur(int kernelSize) {
        this(kernelSize, 0.1, 2.0);
    }

    public GaussianBlur(int kernelSize, double sigmaMin, double sigmaMax) {
        oddKernel(kernelSize);
        Checks.range(sigmaMin, sigmaMax, false, "GaussianBlur sigma");
        this.kernelSize = kernelSize;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
    }

    @Override
    public Image apply(Image image, Rng rng) {
        double sigma = sigmaMin + (sigmaMax - sigmaMin) * rng.nextDouble();
        return blur(image, kernelSize, kernelSize, sigma, sigma);
    }

    /**
     * DINOv2's tensor blur uses kernel 9 for 224 and 96 pixel crops; a smaller image gets the largest odd
     * kernel its reflect padding allows (2 * side - 1).
     */
    public static int defaultKernelSize(int imageSide) {
        return Math.min(9, 2 * Checks.positive(imageSide, "blur image side") - 1);
    }

    /**
     * F.gaussian_blur(image, [kernelX, kernelY], [sigmaX, sigmaY]). Computed separably (rows, then
     * columns) in double; torch correlates with the float32 outer product of the kernels, which differs
     * only by that product's rounding (below 1e-7 here).
     */
    public static Image blur(Image image, int kernelX, int kernelY, double sigmaX, double sigmaY) {
        float[] kx = kernel1d(oddKernel(kernelX), sigmaX), ky = kernel1d(oddKernel(kernelY), sigmaY);
        int px = kernelX / 2, py = kernelY / 2;
        Image padded = Padding.reflect(image, px, py, px, py);
        int c = image.channels(), h = image.height(), w = image.width(), pw = padded.width(), ph = padded.height();
        float[] in = padded.pixels(), out = new float[c * h * w];
        double[] rows = new double[ph * w]; // one channel after the horizontal pass: (ph, w)
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < ph; y++) {
                int row = (ch * ph + y) * pw;
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int dx = 0; dx < kernelX; dx++) s += kx[dx] * (double) in[row + x + dx];
                    rows[y * w + x] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int dy = 0; dy < kernelY; dy++) s += ky[dy] * rows[(y + dy) * w + x];
                    out[(ch * h + y) * w + x] = (float) s;
                }
            }
        }
        return new Image(c, h, w, out);
    }

    /** torchvision's _get_gaussian_kernel1d in float32. */
    static float[] kernel1d(int size, double sigma) {
        if (!(sigma > 0)) throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        float half = (size - 1) * 0.5f, sig = (float) sigma, sum = 0;
        float[] k = new float[size];
        for (int i = 0; i < size; i++) {
            float x = (-half + i) / sig;
            k[i] = (float) Math.exp(-0.5f * (x * x));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) k[i] /= sum;
        return k;
    }

    private static int oddKernel(int size) {
        if (size <= 0 || size % 2 == 0)
            throw new IllegalArgumentException("blur kernel size must be odd and positive, got " + size);
        return size;
    }
}
