/** Tokenizer, CLIP and SLIP (issue: CLIP and SLIP). */
package dev.loupe.clip;
