/** Reverse-mode automatic differentiation over {@code dev.loupe.tensor} (issue: autograd, nn modules, ViT). */
package dev.loupe.autograd;
