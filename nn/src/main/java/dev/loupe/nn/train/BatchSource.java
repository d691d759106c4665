package dev.loupe.nn.train;

import java.util.Iterator;
import java.util.function.UnaryOperator;

/**
 * Where the trainer gets its batches: a fixed number of batches per epoch, and for any epoch an
 * iterator that can start part-way through, so a resumed run reads exactly the batches the straight
 * run would have read. The order of an epoch must depend only on the epoch (and the source's seed).
 *
 * @param <B> the batch type
 */
public interface BatchSource<B> {
    /** Batches in one full epoch: the optimiser steps per epoch. */
    int batchesPerEpoch();

    /** The batches of {@code epoch} (0-based) from batch {@code startBatch} on. */
    EpochIterator<B> epoch(int epoch, long startBatch);

    /** Samples in a batch, for images/s. */
    int samplesIn(B batch);

    /** Bad samples left out so far in this process ({@code --on-bad-sample skip}); 0 for sources that never skip. */
    default long skippedSamples() {
        return 0;
    }

    /** This source with {@code f} applied to every batch (for example, moving it to a device). */
    default BatchSource<B> map(UnaryOperator<B> f) {
        BatchSource<B> inner = this;
        return new BatchSource<>() {
            @Override
            public int batchesPerEpoch() {
                return inner.batchesPerEpoch();
            }

            @Override
            public EpochIterator<B> epoch(int epoch, long startBatch) {
                EpochIterator<B> it = inner.epoch(epoch, startBatch);
                return new EpochIterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public B next() {
                        return f.apply(it.next());
                    }

                    @Override
                    public void close() {
                        it.close();
                    }
                };
            }

            @Override
            public int samplesIn(B batch) {
                return inner.samplesIn(batch);
            }

            @Override
            public long skippedSamples() {
                return inner.skippedSamples();
            }
        };
    }

    /** An iterator over one epoch's batches that releases its workers on close. */
    interface EpochIterator<B> extends Iterator<B>, AutoCloseable {
        @Override
        void close();

        /** An iterator with nothing to release. */
        static <B> EpochIterator<B> of(Iterator<B> it) {
            return new EpochIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public B next() {
                    return it.next();
                }

                @Override
                public void close() {}
            };
        }
    }
}
