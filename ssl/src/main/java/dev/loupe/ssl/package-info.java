/** DINO, DINOv2, MAE, SimCLR, VICReg and BYOL objectives (issue: self-supervised pre-training). */
package dev.loupe.ssl;
