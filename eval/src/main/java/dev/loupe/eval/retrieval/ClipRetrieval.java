package dev.loupe.eval.retrieval;

import dev.loupe.data.Dataset;
import dev.loupe.data.Sample;
import dev.loupe.data.transform.Transform;
import dev.loupe.eval.zeroshot.ClipImageEncoder;
import dev.loupe.eval.zeroshot.TextEncoder;
import dev.loupe.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrieval over a captioned data set. Samples sharing a key are one image with several captions
 * (Flickr30k / COCO style, one sample per caption); each distinct key's image is embedded once, from
 * its first sample. A first pass reads every sample for its key and caption.
 */
public final class ClipRetrieval {
    private ClipRetrieval() {}

    public static RetrievalResult evaluate(
            Dataset data, Transform transform, ClipImageEncoder images, TextEncoder texts) {
        Map<String, Integer> imageOfKey = new LinkedHashMap<>();
        List<Integer> imageSamples = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        int[] textToImage = new int[data.size()];
        for (int i = 0; i < data.size(); i++) {
            Sample s = data.get(i);
            if (!s.hasCaption())
                throw new IllegalArgumentException(
                        "retrieval: sample " + s.key() + " of '" + data.name() + "' has no caption");
            Integer img = imageOfKey.get(s.key());
            if (img == null) {
                img = imageSamples.size();
                imageOfKey.put(s.key(), img);
                imageSamples.add(i);
            }
            captions.add(s.caption());
            textToImage[i] = img;
        }
        Tensor imageEmb = images.encode(
                data,
                transform,
                imageSamples.stream().mapToInt(Integer::intValue).toArray());
        return Retrieval.evaluate(imageEmb, texts.encode(captions), textToImage);
    }
}
