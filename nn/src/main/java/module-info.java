/** Modules and layers, ViT and text transformers, optimisers, the trainer, checkpoints, data parallel. */
module dev.loupe.nn {
    requires transitive dev.loupe.autograd;

    exports dev.loupe.nn;
    exports dev.loupe.nn.dist;
    exports dev.loupe.nn.optim;
    exports dev.loupe.nn.text;
    exports dev.loupe.nn.train;
}
