/**
 * JMH suites and the speed commands behind {@code loupe bench}. JMH forks its runs on the class path;
 * jmh-core has no module name of its own, so it is required by its file name (jmh.core).
 */
module dev.loupe.bench {
    requires dev.loupe.nn;
    requires java.management;
    requires jdk.management;
    requires com.fasterxml.jackson.databind;
    requires jmh.core;

    exports dev.loupe.bench;
}
