/** kNN, linear probe, zero-shot, retrieval and fine-tuning evaluation (issue: self-supervised pre-training). */
package dev.loupe.eval;
