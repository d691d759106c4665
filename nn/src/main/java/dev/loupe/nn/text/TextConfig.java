package dev.loupe.nn.text;

/**
 * Shape of a CLIP text transformer.
 *
 * @param vocab    vocabulary size (49,408 for CLIP's tokenizer)
 * @param ctx      context length, the rows of the position embedding (77)
 * @param width    token width W
 * @param layers   residual attention blocks
 * @param heads    attention heads (W divisible by heads)
 * @param embedDim output embedding size E (columns of text_projection)
 */
public record TextConfig(int vocab, int ctx, int width, int layers, int heads, int embedDim) {
    public TextConfig {
        if (vocab < 2 || ctx < 2 || width < 1 || layers < 1 || heads < 1 || embedDim < 1) {
            throw new IllegalArgumentException("text config: every size must be positive (vocab, ctx >= 2): " + this);
        }
        if (width % heads != 0)
            throw new IllegalArgumentException("text config: width " + width + " not divisible by " + heads + " heads");
    }

    /** CLIP ViT-B's text tower: vocab 49408, ctx 77, width 512, 12 layers, 8 heads, the given embedding size. */
    public static TextConfig clipBase(int embedDim) {
        return new TextConfig(49408, 77, 512, 12, 8, embedDim);
    }

    /** CLIP ViT-L/14's text tower: width 768, 12 layers, 12 heads. */
    public static TextConfig clipLarge(int embedDim) {
        return new TextConfig(49408, 77, 768, 12, 12, embedDim);
    }

    /** Per-head width. */
    public int headDim() {
        return width / heads;
    }
}
