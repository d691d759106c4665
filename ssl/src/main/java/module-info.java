/** DINO, DINOv2, MAE, SimCLR, VICReg, BYOL and MoCo v3 objectives, and the loader as the trainer's batch source. */
module dev.loupe.ssl {
    requires transitive dev.loupe.nn;
    requires transitive dev.loupe.data;

    exports dev.loupe.ssl.byol;
    exports dev.loupe.ssl.moco;
    exports dev.loupe.ssl.common;
    exports dev.loupe.ssl.dino;
    exports dev.loupe.ssl.dinov2;
    exports dev.loupe.ssl.mae;
    exports dev.loupe.ssl.simclr;
    exports dev.loupe.ssl.vicreg;
}
