/**
 * The {@code loupe} command. ./loupe runs it on the class path; the descriptor states what it reaches and
 * opens its option classes to picocli and its settings records to Jackson for a module-path launch.
 */
module dev.loupe.cli {
    requires dev.loupe.eval;
    requires dev.loupe.run;
    requires dev.loupe.bench;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires me.tongfei.progressbar;
    requires jmh.core;

    opens dev.loupe.cli to
            info.picocli,
            com.fasterxml.jackson.databind;
    opens dev.loupe.cli.eval to
            info.picocli,
            com.fasterxml.jackson.databind;
    opens dev.loupe.cli.run to
            info.picocli,
            com.fasterxml.jackson.databind;
    opens dev.loupe.cli.train to
            info.picocli,
            com.fasterxml.jackson.databind;
}
