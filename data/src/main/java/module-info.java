/** Image decoding, transforms, datasets (IDX, folders, CSV, WebDataset, shapes) and the loader. */
module dev.loupe.data {
    requires transitive dev.loupe.tensor;
    requires transitive java.desktop;
    requires com.fasterxml.jackson.databind;
    requires org.apache.commons.compress;
    requires org.apache.commons.csv;

    exports dev.loupe.data;
    exports dev.loupe.data.decode;
    exports dev.loupe.data.idx;
    // the one gzip reader, for CLIP's merges file too
    exports dev.loupe.data.io to
            dev.loupe.clip;
    exports dev.loupe.data.loader;
    exports dev.loupe.data.shapes;
    exports dev.loupe.data.source;
    exports dev.loupe.data.transform;

    opens dev.loupe.data.source to
            com.fasterxml.jackson.databind;
}
