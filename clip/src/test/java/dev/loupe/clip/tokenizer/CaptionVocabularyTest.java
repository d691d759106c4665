package dev.loupe.clip.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.data.BadSampleException;
import dev.loupe.data.BadSampleLog;
import dev.loupe.data.BadSamplePolicy;
import dev.loupe.data.Dataset;
import dev.loupe.data.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tokenizer pass over a data set's captions: no image is decoded, bad captions stop it or are skipped and counted. */
class CaptionVocabularyTest {
    /** Captions of BpeTrainerTest, one bad at each index in {@code bad}, one without caption; get() is never allowed. */
    static Dataset captions(Set<Integer> bad) {
        return new Dataset() {
            public String name() {
                return "pairs/train";
            }

            public int size() {
                return BpeTrainerTest.CAPTIONS.size() + 1;
            }

            public Sample get(int index) {
                throw new AssertionError("decoded image " + index + " to read a caption");
            }

            public List<String> classNames() {
                return List.of();
            }

            @Override
            public String caption(int index) {
                if (bad.contains(index))
                    throw new BadSampleException("pairs.csv:" + (index + 2), "empty caption for img" + index + ".png");
                return index == BpeTrainerTest.CAPTIONS.size() ? null : BpeTrainerTest.CAPTIONS.get(index);
            }
        };
    }

    @Test
    void everyCaptionWithoutDecodingAnImageGivesTheMergesOfTheCaptions() {
        CaptionVocabulary v = CaptionVocabulary.train(
                captions(Set.of()), BpeTrainer.BASE_VOCAB + 30, BadSamplePolicy.FAIL, BadSampleLog.silent());
        assertEquals(new BpeTrainer().addAll(BpeTrainerTest.CAPTIONS).train(BpeTrainer.BASE_VOCAB + 30), v.merges());
        assertEquals(BpeTrainerTest.CAPTIONS.size(), v.captions());
        assertEquals(0, v.skipped());
    }

    @Test
    void failStopsAtTheFirstBadCaption() {
        BadSampleException e = assertThrows(
                BadSampleException.class,
                () -> CaptionVocabulary.train(
                        captions(Set.of(3, 5)),
                        BpeTrainer.BASE_VOCAB + 30,
                        BadSamplePolicy.FAIL,
                        BadSampleLog.silent()));
        assertEquals("pairs.csv:5: empty caption for img3.png", e.getMessage());
    }

    @Test
    void skipLeavesBadCaptionsOutCountsThemAndLogsOneLineEach() {
        List<String> lines = new ArrayList<>();
        CaptionVocabulary v = CaptionVocabulary.train(
                captions(Set.of(3, 5)),
                BpeTrainer.BASE_VOCAB + 30,
                BadSamplePolicy.SKIP,
                (where, e) -> lines.add(BadSampleLog.line(where, e)));
        List<String> good = new ArrayList<>(BpeTrainerTest.CAPTIONS);
        good.remove(5);
        good.remove(3);
        assertEquals(new BpeTrainer().addAll(good).train(BpeTrainer.BASE_VOCAB + 30), v.merges());
        assertEquals(good.size(), v.captions());
        assertEquals(2, v.skipped());
        assertEquals(
                List.of(
                        "skipped bad sample (vocabulary of pairs/train): pairs.csv:5: empty caption for img3.png",
                        "skipped bad sample (vocabulary of pairs/train): pairs.csv:7: empty caption for img5.png"),
                lines);
    }
}
