/** DINO, DINOv2, MAE, SimCLR, VICReg, BYOL and MoCo v3 objectives (issue: self-supervised pre-training). */
package dev.loupe.ssl;
