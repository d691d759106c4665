/** Image decoding, augmentations, data sets and the multi-threaded loader (issue: data pipeline). */
package dev.loupe.data;
