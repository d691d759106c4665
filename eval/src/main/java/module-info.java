/**
 * kNN, linear probes, zero-shot, retrieval, accuracy, embeddings of images and texts; reports and plots;
 * training runs in a run folder with their monitor, weights and report (dev.loupe.eval.session).
 */
module dev.loupe.eval {
    requires transitive dev.loupe.ssl;
    requires transitive dev.loupe.clip;
    requires transitive dev.loupe.data;
    requires transitive dev.loupe.run;
    requires com.fasterxml.jackson.databind;
    requires org.knowm.xchart;

    exports dev.loupe.eval.attributes;
    exports dev.loupe.eval.collapse;
    exports dev.loupe.eval.embed;
    exports dev.loupe.eval.features;
    exports dev.loupe.eval.knn;
    exports dev.loupe.eval.linear;
    exports dev.loupe.eval.report;
    exports dev.loupe.eval.retrieval;
    exports dev.loupe.eval.session;
    exports dev.loupe.eval.supervised;
    exports dev.loupe.eval.zeroshot;

    opens dev.loupe.eval.features to
            com.fasterxml.jackson.databind;
    opens dev.loupe.eval.report to
            com.fasterxml.jackson.databind;
}
