/** The run folder: settings (config.json), metrics log, checkpoints, progress, plots and the report. */
module dev.loupe.run {
    requires transitive dev.loupe.nn;
    requires com.fasterxml.jackson.databind;
    requires org.knowm.xchart;
    requires transitive me.tongfei.progressbar;

    exports dev.loupe.run;

    opens dev.loupe.run to
            com.fasterxml.jackson.databind;
}
