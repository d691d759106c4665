/**
 * CLIP and SLIP: the tokenizer ({@code dev.loupe.clip.tokenizer}: CLIP's byte-level BPE and a BPE
 * trainer), the CLIP vision tower and model with open_clip's checkpoint names, the CLIP loss and
 * objective, and SLIP ({@code dev.loupe.clip.slip}: CLIP plus a SimCLR head and NT-Xent term).
 */
package dev.loupe.clip;
