package dev.loupe.clip.tokenizer;

import dev.loupe.data.Dataset;
import dev.loupe.data.shapes.CaptionWriter;
import dev.loupe.data.shapes.CaptionedShapes;

import java.util.List;

/** BPE merges trained on the captions of a data set (deterministic: the same captions give the same merges). */
public final class CaptionBpe {
    private CaptionBpe() {}

    /** Merges for a vocabulary of {@code vocabSize} from every caption of {@code data} (samples without one are passed over). */
    public static List<BpeMerge> train(Dataset data, int vocabSize) {
        BpeTrainer bpe = new BpeTrainer();
        for (int i = 0; i < data.size(); i++) {
            // shapes captions are written from the scene without rendering the image
            String caption = data instanceof CaptionedShapes shapes ? CaptionWriter.caption(shapes.scene(i)) : data.get(i).caption();
            if (caption != null) bpe.add(caption);
        }
        return bpe.train(vocabSize);
    }
}
