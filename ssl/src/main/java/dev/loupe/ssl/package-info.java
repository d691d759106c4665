/** DINO, DINOv2, MAE and SimCLR objectives (issue: self-supervised pre-training). */
package dev.loupe.ssl;
