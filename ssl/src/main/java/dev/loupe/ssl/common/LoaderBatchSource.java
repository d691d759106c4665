package dev.loupe.ssl.common;

import dev.loupe.data.Batch;
import dev.loupe.data.loader.Loader;
import dev.loupe.data.loader.LoaderEpoch;
import dev.loupe.nn.train.BatchSource;

/**
 * A {@link Loader} as the trainer's {@link BatchSource}: its epochs resume at any batch with the same data.
 * (Here because ssl is the first module that sees both nn's trainer and data's loader.)
 */
public final class LoaderBatchSource implements BatchSource<Batch> {
    private final Loader loader;

    public LoaderBatchSource(Loader loader) {
        this.loader = loader;
    }

    @Override
    public int batchesPerEpoch() {
        return loader.batchesPerEpoch();
    }

    @Override
    public EpochIterator<Batch> epoch(int epoch, long startBatch) {
        LoaderEpoch e = loader.epoch(epoch, Math.toIntExact(startBatch));
        return new EpochIterator<>() {
            @Override
            public boolean hasNext() {
                return e.hasNext();
            }

            @Override
            public Batch next() {
                return e.next();
            }

            @Override
            public void close() {
                e.close();
            }
        };
    }

    @Override
    public int samplesIn(Batch batch) {
        return batch.size();
    }

    @Override
    public long skippedSamples() {
        return loader.skipped();
    }
}
