package dev.loupe.nn.train;

import java.util.Iterator;

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

    /** An iterator over one epoch's batches that releases its workers on close. */
    interface EpochIterator<B> extends Iterator<B>, AutoCloseable {
        @Override
        void close();

        /** An iterator with nothing to release. */
        static <B> EpochIterator<B> of(Iterator<B> it) {
            return new EpochIterator<>() {
                @Override
                public boolean hasNext() { return it.hasNext(); }

                @Override
                public B next() { return it.next(); }

                @Override
                public void close() {}
            };
        }
    }
}
