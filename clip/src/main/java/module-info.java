/** CLIP and SLIP: the byte-level BPE tokenizer, the model, its loss and weights file. */
module dev.loupe.clip {
    requires transitive dev.loupe.nn;
    requires transitive dev.loupe.data;
    requires transitive dev.loupe.ssl;

    exports dev.loupe.clip;
    exports dev.loupe.clip.slip;
    exports dev.loupe.clip.tokenizer;
}
