/** DINO, DINOv2, MAE, SimCLR and VICReg objectives (issue: self-supervised pre-training). */
package dev.loupe.ssl;
