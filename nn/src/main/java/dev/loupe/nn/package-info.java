/** Modules, layers, Vision and Text Transformers, optimisers, checkpoints (issue: autograd, nn modules, ViT). */
package dev.loupe.nn;
